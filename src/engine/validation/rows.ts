// Row → snapshot conversions shared by the loaders (JSON text columns parsed, 0/1 flags to booleans).
import type { Row } from '../../store/schema.js';
import { parseJson } from '../../store/json.js';
import { recipientFromRow } from '../../store/tenantsRepo.js';
import type { RecipientRecord, UserRecord } from '../../domain/validation/types.js';

export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}


export function toUser(r: Row<'users'>): UserRecord {
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    mail: r.mail,
    accountEnabled: !!r.account_enabled,
    userType: r.user_type,
    licenses: parseJson<string[]>(r.licenses, []),
  };
}

/** The tenant model's recipient record plus the object id and recipient type the rules read. */
export function toRecipient(r: Row<'recipients'>): RecipientRecord {
  return { ...recipientFromRow(r), id: r.id, recipientType: r.recipient_type };
}
