// Small lookups several rules share: which OrgRel / endpoint / app a job uses, address parsing,
// licences and the SharePoint trust state. Pure functions over the snapshots.
import { Licenses, Resources, type AppPermission } from '../tenantVocabulary.js';
import type {
  GroupSnapshot, MigrationEndpointSnapshot, OrgRelationshipSnapshot, RecipientRecord, SpoRelationshipSnapshot, TenantSnapshot,
  UserRecord, UserSnapshot, ValidationContext,
} from './types.js';

export const MAILBOX_MIGRATION = 'Mailbox.Migration';
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
export const DAY_MS = 24 * 3600 * 1000;
/** Verify-SPOCrossTenantRelationship's seven-day waiting period (one constant with domain/spoTrust.ts). */
export { SPO_TRUST_DORMANCY_MS as SPO_DORMANCY_MS } from '../spoTrust.js';

/** The tenant's OrgRel whose DomainNames holds the partner tenant id (VerifySetup's lookup). */
export function orgRelTo(tenant: TenantSnapshot, partnerTenantId: string): OrgRelationshipSnapshot | undefined {
  const id = partnerTenantId.toLowerCase();
  return tenant.orgRelationships.find((r) => r.domainNames.some((d) => d.toLowerCase() === id));
}

/** The target endpoint named by exchangeSettings.sourceEndpoint (names compare case-insensitively). */
export function jobEndpoint(ctx: ValidationContext): MigrationEndpointSnapshot | undefined {
  const name = ctx.job.exchangeSettings?.sourceEndpoint?.toLowerCase();
  if (!name) return undefined;
  return ctx.target.migrationEndpoints.find((e) => e.name.toLowerCase() === name);
}

export function grants(perms: readonly AppPermission[], value: string, resource: string = Resources.exchange): boolean {
  return perms.some((p) => p.value === value && (!p.resource || p.resource.toLowerCase() === resource.toLowerCase()));
}

/**
 * The migration app: the target-owned app that asks for Mailbox.Migration (preferring the one the
 * endpoint or the source OrgRel names), else whatever the endpoint or source OrgRel names.
 */
export function migrationAppId(ctx: ValidationContext): string | null {
  const endpointApp = jobEndpoint(ctx)?.applicationId || null;
  const orgRelApp = orgRelTo(ctx.source, ctx.target.id)?.oauthApplicationId || null;
  const owned = ctx.target.applications.filter((a) => grants(a.requiredPermissions, MAILBOX_MIGRATION)).map((a) => a.appId);
  if (endpointApp && owned.includes(endpointApp)) return endpointApp;
  if (orgRelApp && owned.includes(orgRelApp)) return orgRelApp;
  return owned[0] ?? endpointApp ?? orgRelApp;
}

/** Source groups a published-scope entry names (by id, display name, alias or mail; case-insensitive). */
export function resolveScopeGroups(tenant: TenantSnapshot, rel: OrgRelationshipSnapshot): GroupSnapshot[] {
  const keys = new Set(rel.mailboxMovePublishedScopes.map((s) => s.toLowerCase()));
  return tenant.scopeGroups.filter((g) =>
    [g.id, g.displayName, g.mailNickname, g.mail ?? ''].some((k) => k !== '' && keys.has(k.toLowerCase())));
}

/** The mail-enabled security groups that authorize moves to the target (empty when misconfigured). */
export function authorizingGroups(ctx: ValidationContext): GroupSnapshot[] {
  const rel = orgRelTo(ctx.source, ctx.target.id);
  return rel ? resolveScopeGroups(ctx.source, rel).filter((g) => g.mailEnabled && g.securityEnabled) : [];
}

export function servicePrincipal(tenant: TenantSnapshot, appId: string) {
  return tenant.servicePrincipals.find((sp) => sp.appId === appId);
}

export function stripSmtp(address: string | null | undefined): string {
  return (address ?? '').replace(/^smtp:/i, '');
}

export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export const isSmtp = (proxy: string): boolean => /^smtp:/i.test(proxy);
export const isX500 = (proxy: string): boolean => /^x500:/i.test(proxy);

/** Exchange accepted domains: only verified domains can be accepted domains. */
export function acceptedDomains(tenant: TenantSnapshot): Set<string> {
  return new Set(tenant.domains.filter((d) => d.isVerified).map((d) => d.name.toLowerCase()));
}

export function hasArchive(r: RecipientRecord): boolean {
  return !!r.archiveGuid && r.archiveGuid !== ZERO_GUID;
}

export function hasLicense(user: UserRecord | null, sku: string): boolean {
  return !!user && user.licenses.includes(sku);
}

export function hasAnyLicense(user: UserRecord | null, skus: readonly string[]): boolean {
  return !!user && skus.some((s) => user.licenses.includes(s));
}

export const hasT2tLicense = (user: UserRecord | null): boolean => hasLicense(user, Licenses.crossTenantUserDataMigration);

export const sameText = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

export function targetUpn(user: UserSnapshot): string {
  return user.targetUser?.userPrincipalName ?? user.id;
}

export function sourceUpn(user: UserSnapshot): string {
  return user.sourceUser?.userPrincipalName ?? user.mapping?.sourceUserId ?? '';
}

export function normHost(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, '');
}

/** Where the OneDrive lands: the target user's personal site on the target my-site host (inference). */
export function targetOneDriveUrl(ctx: ValidationContext, upn: string): string {
  return `${normHost(ctx.target.mySiteHost)}/personal/${upn.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

/** `local` tenant's MnA relationship towards `partner` in the role the partner must play. */
export function spoRelationship(local: TenantSnapshot, partner: TenantSnapshot, partnerRole: 'Source' | 'Target'):
  { exact?: SpoRelationshipSnapshot; wrongHost?: SpoRelationshipSnapshot } {
  const mna = local.spoRelationships.filter((r) => r.scenario.toLowerCase() === 'mna' && r.partnerRole.toLowerCase() === partnerRole.toLowerCase());
  const host = normHost(partner.mySiteHost);
  const exact = mna.find((r) => normHost(r.partnerHostUrl) === host);
  return exact ? { exact } : { wrongHost: mna[0] };
}

export function isoPlus(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export const isMailbox = (r: RecipientRecord): boolean => r.recipientType === 'UserMailbox' || /Mailbox$/.test(r.recipientTypeDetails);

/**
 * Source mailbox and target MailUser, when both exist: the object checks compare the two. A target
 * that is already a mailbox is reported once (targetIsMailUser); like CSSX's Get-MailUser, the
 * MailUser comparisons then do not apply.
 */
export function mailboxPair(u: UserSnapshot): { src: RecipientRecord; tgt: RecipientRecord } | null {
  const src = u.sourceRecipient;
  const tgt = u.targetRecipient;
  return src && tgt && isMailbox(src) && !isMailbox(tgt) ? { src, tgt } : null;
}
