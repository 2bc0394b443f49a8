// Request bodies of the admin API that are not one of the tenant model's object schemas as such:
// partial updates (every field optional) and the cmdlet-shaped bodies (licences, members, lock state).
import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { ApplicationInput, ChatInput, GroupInput, IdentityMappingInput, MeetingInput, MigrationEndpointInput, OrganizationRelationshipInput, RecipientInput, ServicePrincipalInput, SiteInput, SpoGroupMappingInput, SpoRelationshipInput, SpoUserMappingInput, TenantInput, UserInput } from '../../tenants/inputSchemas.js';
import { SiteStates } from '../../tenants/inputSchemas.content.js';
import { MigrationFaultInput } from '../../tenants/inputSchemas.faults.js';

/** Every property optional, unknown ones refused: the PATCH form of an object schema. */
function partial<P extends TProperties>(schema: TObject<P>, omit: readonly string[] = []) {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema.properties)) if (!omit.includes(k)) props[k] = Type.Optional(v as never);
  return Type.Object(props as { [K in keyof P]: ReturnType<typeof Type.Optional<P[K]>> }, { additionalProperties: false });
}

export const UserPatch = partial(UserInput, ['id']);
export type UserPatch = Static<typeof UserPatch>;
/** Set-Mailbox / Set-MailUser: recipient attributes; mailbox content is written with mailItems. */
export const RecipientPatch = partial(RecipientInput, ['folders', 'items']);
export type RecipientPatch = Static<typeof RecipientPatch>;
export const GroupPatch = partial(GroupInput, ['id']);
export const OrgRelPatch = partial(OrganizationRelationshipInput, ['id', 'name']);
export const EndpointPatch = partial(MigrationEndpointInput, ['name']);

const SkuRef = Type.Union([
  Type.String({ minLength: 1, description: 'skuId (GUID) or SKU part number.' }),
  Type.Object({ skuId: Type.Optional(Type.String()), skuPartNumber: Type.Optional(Type.String()), disabledPlans: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
]);
/** Set-MgUserLicense -AddLicenses @(@{SkuId=…}) -RemoveLicenses @(…) */
export const LicenseBody = Type.Object({
  addLicenses: Type.Optional(Type.Array(SkuRef)),
  removeLicenses: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
}, { additionalProperties: false });
export type LicenseBody = Static<typeof LicenseBody>;

/** Add-DistributionGroupMember -Identity <group> -Member <user or group> */
export const MemberBody = Type.Object({ member: Type.String({ minLength: 1, description: 'User UPN or id, or group id.' }) }, { additionalProperties: false });

/** Set-SPOSite: lock state, title, quota, redirect. */
export const SitePatch = Type.Object({
  state: Type.Optional(Type.Enum(SiteStates)),
  title: Type.Optional(Type.String({ minLength: 1 })),
  storageQuotaBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  redirectUrl: Type.Optional(Type.Union([Type.String({ pattern: '^https://' }), Type.Null()])),
}, { additionalProperties: false });
export type SitePatch = Static<typeof SitePatch>;

/** Remove-SPOCrossTenantRelationship -Scenario -PartnerRole -PartnerCrossTenantHostUrl */
export const SpoRelationshipRef = Type.Object({
  partnerHostUrl: Type.String({ pattern: '^https://' }),
  scenario: Type.Optional(Type.Enum(['MnA', 'None'])),
  partnerRole: Type.Optional(Type.Enum(['Source', 'Target', 'None'])),
}, { additionalProperties: false });

const list = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Optional(Type.Array(item));
/** One TenantChange of the tenant model (bulk seeding: POST /xtm/admin/changes). */
export const TenantChangeBody = Type.Object({
  tenantId: Type.String({ minLength: 1 }),
  tenant: Type.Optional(TenantInput),
  users: list(UserInput),
  groups: list(GroupInput),
  applications: list(ApplicationInput),
  servicePrincipals: list(ServicePrincipalInput),
  organizationRelationships: list(OrganizationRelationshipInput),
  migrationEndpoints: list(MigrationEndpointInput),
  spoRelationships: list(SpoRelationshipInput),
  sites: list(SiteInput),
  chats: list(ChatInput),
  meetings: list(MeetingInput),
  identityMappings: list(IdentityMappingInput),
  spoUserMappings: list(SpoUserMappingInput),
  spoGroupMappings: list(SpoGroupMappingInput),
  migrationFaults: list(MigrationFaultInput),
}, { additionalProperties: false });
export const ChangesBody = Type.Object({ changes: Type.Array(TenantChangeBody, { minItems: 1 }) }, { additionalProperties: false });

// ---- route schemas of the admin API: what is not a tenant-model object schema ------------------------
/** Optional string query parameters (the admin API tolerates others, as before). */
export const QueryParams = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String())])) as Record<K, ReturnType<typeof Type.Optional<ReturnType<typeof Type.String>>>>, { additionalProperties: true });
/** An object of the tenant model as stored (the record the request created, changed or named). */
export const AdminObject = Type.Object({}, { additionalProperties: true, description: 'The tenant-model record (see docs/admin-api.md).' });
/** `{ value }`, and `@odata.nextLink` on a paged list ($top / $skiptoken). */
export const AdminList = Type.Object({ value: Type.Array(Type.Unknown()), '@odata.nextLink': Type.Optional(Type.String()) }, { description: 'A list of tenant-model records.' });
/** The identity map as Add-SPOTenantIdentityMap's CSV (6 columns, no header). */
export const CsvText = { content: { 'text/csv': { schema: Type.String({ description: 'User|Group,SourceTenantCompanyID,Source,Target,Email|Alias,Type per line.' }) } } };
/** PUT …/spoIdentityMap.csv: the CSV (streamed) or `{"csv": "…"}`. */
export const CsvBody = { content: { 'text/csv': { schema: Type.String({ description: 'The whole map; it replaces the stored one.' }) }, 'application/json': { schema: Type.Object({ csv: Type.String() }, { additionalProperties: false }) } } };
export const CsvImported = Type.Object({ users: Type.Integer(), groups: Type.Integer() });
