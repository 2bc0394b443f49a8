// Licences are stored as SKU part numbers (users.licenses). Graph shows them as assignedLicense
// `{ disabledPlans: [], skuId }` and maps skuId ↔ skuPartNumber through /subscribedSkus, so xtm gives
// every part number a stable name-based skuId (not Microsoft's real GUIDs, which xtm does not model).
import { deriveGuid } from '../../tenants/ids.js';
import { isGuid } from '../../domain/naturalKeys.js';
import { Licenses } from '../../domain/tenantVocabulary.js';

export const KNOWN_SKUS: readonly string[] = Object.values(Licenses);

export function skuIdOf(partNumber: string): string {
  return deriveGuid('xtm-sku', partNumber.toUpperCase());
}

/** A part number from either spelling (skuId GUID or part number); undefined when the GUID is unknown. */
export function partNumberOf(skuIdOrPart: string, extra: readonly string[] = []): string | undefined {
  if (!isGuid(skuIdOrPart)) return (skuIdOrPart as string).toUpperCase();
  const id = skuIdOrPart.toLowerCase();
  return [...KNOWN_SKUS, ...extra].find((p) => skuIdOf(p) === id);
}

export function assignedLicenses(partNumbers: readonly string[]): { disabledPlans: string[]; skuId: string }[] {
  return partNumbers.map((p) => ({ disabledPlans: [], skuId: skuIdOf(p) }));
}
