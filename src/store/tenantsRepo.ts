// Repository of the modelled tenants: typed reads returning the records of domain/tenantRecords.ts
// (camelCase, parsed JSON, booleans), the row converters, and the keys the directory index is built from.
import type { Kysely } from 'kysely';
import type { Store } from './db.js';
import type { Database, Row } from './schema.js';
import { isGuid, lower, smtpAddresses } from '../domain/naturalKeys.js';
import { groupTypeOf, mergeSettings, NO_HOLDS, type AppPermission, type MailboxHolds, type TenantSettings } from '../domain/tenantVocabulary.js';
import { TENANT_TABLES } from './tenantSink.js';
import type {
  ApplicationRecord, DomainRecord, GroupRecord, IdentityMappingRecord, MigrationEndpointRecord, OrganizationRelationshipRecord, RecipientRecord,
  ServicePrincipalRecord, SiteRecord, SpoRelationshipRecord, SpoUserMappingRecord, TenantRecord, UserRecord,
  AppKey, GroupKey, OrgRelKey, SiteKey, UserKey,
} from '../domain/tenantRecords.js';

const parse = <T>(s: string): T => JSON.parse(s) as T;

export function tenantFromRows(t: Row<'tenants'>, domains: Row<'tenant_domains'>[]): TenantRecord {
  return {
    id: t.id, displayName: t.display_name, initialDomain: domains.find((d) => d.is_initial)?.name ?? t.default_domain, defaultDomain: t.default_domain,
    domains: domains.map((d) => ({ name: d.name, isVerified: !!d.is_verified, acceptedDomainType: d.accepted_domain_type as DomainRecord['acceptedDomainType'] })),
    cloud: t.cloud as TenantRecord['cloud'], mySiteHost: t.my_site_host, rootSiteHost: t.root_site_host, settings: mergeSettings(parse<Partial<TenantSettings>>(t.settings)),
    createdDateTime: t.created_at,
  };
}

export async function listTenants(store: Store): Promise<TenantRecord[]> {
  const tenants = await store.db.selectFrom('tenants').selectAll().orderBy('display_name').execute();
  const domains = await store.db.selectFrom('tenant_domains').selectAll().orderBy('name').execute();
  return tenants.map((t) => tenantFromRows(t, domains.filter((d) => d.tenant_id === t.id)));
}

/** A tenant by id or by any of its domains. */
export async function getTenant(store: Store, idOrDomain: string): Promise<TenantRecord | undefined> {
  const key = lower(idOrDomain);
  const id = isGuid(key) ? key : (await store.db.selectFrom('tenant_domains').select('tenant_id').where('name', '=', key).orderBy('is_verified', 'desc').executeTakeFirst())?.tenant_id;
  if (!id) return undefined;
  const t = await store.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t) return undefined;
  return tenantFromRows(t, await store.db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', id).orderBy('name').execute());
}

export function recipientFromRow(r: Row<'recipients'>): RecipientRecord {
  return {
    recipientTypeDetails: r.recipient_type_details, alias: r.alias, primarySmtpAddress: r.primary_smtp_address, emailAddresses: parse(r.email_addresses),
    externalEmailAddress: r.external_email_address, exchangeGuid: r.exchange_guid, archiveGuid: r.archive_guid, auxArchiveCount: Number(r.aux_archive_count),
    // rows written by older versions or by hand may hold only some hold flags: the rest are off
    legacyExchangeDn: r.legacy_exchange_dn, holds: { ...NO_HOLDS, ...parse<Partial<MailboxHolds>>(r.holds) }, mailboxSizeBytes: Number(r.mailbox_size_bytes),
    recoverableItemsSizeBytes: Number(r.recoverable_items_size_bytes), prohibitSendReceiveQuotaBytes: Number(r.prohibit_send_receive_quota_bytes),
    recoverableItemsQuotaBytes: Number(r.recoverable_items_quota_bytes), previousRecipientTypeDetails: r.previous_recipient_type_details,
    mailboxMoveRemoteHostName: r.mailbox_move_remote_host_name,
  };
}

export function userFromRows(u: Row<'users'>, r: Row<'recipients'> | undefined): UserRecord {
  const rec: UserRecord = {
    tenantId: u.tenant_id, id: u.id, userPrincipalName: u.user_principal_name, displayName: u.display_name, mail: u.mail, accountEnabled: !!u.account_enabled,
    userType: u.user_type as UserRecord['userType'], licenses: parse(u.licenses), directoryRoles: parse(u.directory_roles), createdDateTime: u.created_at,
  };
  if (r) rec[r.recipient_type === 'UserMailbox' ? 'mailbox' : 'mailUser'] = recipientFromRow(r);
  return rec;
}

/** The users row for an object id or a UPN (case-insensitive) within one tenant. */
export function findUserRow(db: Kysely<Database>, tenantId: string, idOrUpn: string): Promise<Row<'users'> | undefined> {
  const key = lower(idOrUpn);
  return db.selectFrom('users').selectAll().where('tenant_id', '=', lower(tenantId))
    .where((eb) => eb.or([eb('id', '=', key), eb('upn_key', '=', key)])).executeTakeFirst();
}

/** A user by object id or UPN (case-insensitive), with its recipient. */
export async function getUser(store: Store, tenantId: string, idOrUpn: string): Promise<UserRecord | undefined> {
  const u = await findUserRow(store.db, tenantId, idOrUpn);
  if (!u) return undefined;
  const r = await store.db.selectFrom('recipients').selectAll().where('tenant_id', '=', u.tenant_id).where('id', '=', u.id).executeTakeFirst();
  return userFromRows(u, r);
}

/** One page of an admin list: rows after the keyset position `after`, at most `limit` (+1 to tell if more follow). */
export interface KeyPage { after?: string[]; limit: number }
export interface KeyPaged<T> { value: T[]; next?: string[] }

function keyPaged<R, T>(rows: R[], limit: number, key: (r: R) => string[], convert: (rows: R[]) => T[]): KeyPaged<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { value: convert(kept), next: more ? key(kept[kept.length - 1]!) : undefined };
}

export async function pageUsers(store: Store, tenantId: string, page: KeyPage): Promise<KeyPaged<UserRecord>> {
  const tid = lower(tenantId);
  let q = store.db.selectFrom('users').selectAll().where('tenant_id', '=', tid).orderBy('upn_key').limit(page.limit + 1);
  if (page.after?.[0] !== undefined) q = q.where('upn_key', '>', page.after[0]);
  const users = (await q.execute()).slice(0, page.limit + 1);
  const ids = users.map((u) => u.id);
  const recips = ids.length === 0 ? [] : await store.db.selectFrom('recipients').selectAll().where('tenant_id', '=', tid).where('id', 'in', ids).execute();
  const byId = new Map(recips.map((r) => [r.id, r]));
  return keyPaged(users, page.limit, (u) => [u.upn_key], (rows) => rows.map((u) => userFromRows(u, byId.get(u.id))));
}

export async function pageGroups(store: Store, tenantId: string, page: KeyPage): Promise<KeyPaged<GroupRecord>> {
  let q = store.db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).orderBy('display_name').orderBy('id').limit(page.limit + 1);
  const [name, id] = page.after ?? [];
  if (name !== undefined && id !== undefined) q = q.where((eb) => eb.or([eb('display_name', '>', name), eb.and([eb('display_name', '=', name), eb('id', '>', id)])]));
  const groups = await q.execute();
  const ids = groups.map((g) => g.id);
  const members = ids.length === 0 ? [] : await store.db.selectFrom('group_members').selectAll().where('tenant_id', '=', tenantId).where('group_id', 'in', ids).execute();
  return keyPaged(groups, page.limit, (g) => [g.display_name, g.id], (rows) => rows.map((g) => groupFromRow(g, members.filter((m) => m.group_id === g.id).map((m) => m.member_id))));
}

export async function pageSites(store: Store, tenantId: string, page: KeyPage): Promise<KeyPaged<SiteRecord>> {
  let q = store.db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).orderBy('url_key').orderBy('id').limit(page.limit + 1);
  const [url, id] = page.after ?? [];
  if (url !== undefined && id !== undefined) q = q.where((eb) => eb.or([eb('url_key', '>', url), eb.and([eb('url_key', '=', url), eb('id', '>', id)])]));
  return keyPaged(await q.execute(), page.limit, (r) => [r.url_key, r.id], (rows) => rows.map(siteFromRow));
}

export function groupFromRow(g: Row<'groups'>, members: string[]): GroupRecord {
  return {
    tenantId: g.tenant_id, id: g.id, displayName: g.display_name, groupType: groupTypeOf(parse(g.group_types), !!g.mail_enabled, !!g.security_enabled),
    mailNickname: g.mail_nickname, mail: g.mail, members, createdDateTime: g.created_at,
  };
}

/** A group by id, display name, mailNickname or mail (case-insensitive), with its direct member ids. */
export async function getGroup(store: Store, tenantId: string, ref: string): Promise<GroupRecord | undefined> {
  const key = lower(ref);
  const tid = lower(tenantId);
  const candidates = await store.db.selectFrom('groups').selectAll().where('tenant_id', '=', tid).execute();
  const g = candidates.find((c) => c.id === key) ?? candidates.find((c) => [c.display_name, c.mail_nickname, c.mail ?? ''].some((k) => lower(k) === key));
  if (!g) return undefined;
  const members = await store.db.selectFrom('group_members').select('member_id').where('tenant_id', '=', tid).where('group_id', '=', g.id).execute();
  return groupFromRow(g, members.map((m) => m.member_id));
}

export async function isDirectMember(store: Store, tenantId: string, groupId: string, memberId: string): Promise<boolean> {
  const row = await store.db.selectFrom('group_members').select('member_id').where('tenant_id', '=', lower(tenantId))
    .where('group_id', '=', lower(groupId)).where('member_id', '=', lower(memberId)).executeTakeFirst();
  return !!row;
}

export async function getApplication(store: Store, appId: string): Promise<ApplicationRecord | undefined> {
  const a = await store.db.selectFrom('applications').selectAll().where('app_id', '=', lower(appId)).executeTakeFirst();
  return a && {
    appId: a.app_id, ownerTenantId: a.owner_tenant_id, displayName: a.display_name, signInAudience: a.sign_in_audience as ApplicationRecord['signInAudience'],
    requiredPermissions: parse(a.required_permissions), secrets: parse(a.secrets), createdDateTime: a.created_at,
  };
}

export async function getServicePrincipal(store: Store, tenantId: string, appId: string): Promise<ServicePrincipalRecord | undefined> {
  const s = await store.db.selectFrom('service_principals').selectAll().where('tenant_id', '=', lower(tenantId)).where('app_id', '=', lower(appId)).executeTakeFirst();
  return s && {
    tenantId: s.tenant_id, appId: s.app_id, displayName: s.display_name, grantedPermissions: parse(s.granted_permissions),
    directoryRoles: parse(s.directory_roles), createdDateTime: s.created_at,
  };
}

export async function listOrganizationRelationships(store: Store, tenantId: string): Promise<OrganizationRelationshipRecord[]> {
  const rows = await store.db.selectFrom('organization_relationships').selectAll().where('tenant_id', '=', lower(tenantId)).orderBy('name').execute();
  return rows.map((o) => ({
    tenantId: o.tenant_id, id: o.id, name: o.name, enabled: !!o.enabled, mailboxMoveEnabled: !!o.mailbox_move_enabled,
    mailboxMoveCapability: parse(o.mailbox_move_capability), domainNames: parse(o.domain_names), oauthApplicationId: o.oauth_application_id,
    mailboxMovePublishedScopes: parse(o.mailbox_move_published_scopes), createdDateTime: o.created_at,
  }));
}

export async function listMigrationEndpoints(store: Store, tenantId: string): Promise<MigrationEndpointRecord[]> {
  const rows = await store.db.selectFrom('migration_endpoints').selectAll().where('tenant_id', '=', lower(tenantId)).orderBy('name').execute();
  return rows.map((e) => ({
    tenantId: e.tenant_id, name: e.name, endpointType: e.endpoint_type as 'ExchangeRemoteMove', remoteServer: e.remote_server,
    remoteTenant: e.remote_tenant, applicationId: e.application_id, isRemote: !!e.is_remote, createdDateTime: e.created_at,
  }));
}

/** A migration endpoint by name (case-insensitive, as Exchange resolves identities). */
export async function getMigrationEndpoint(store: Store, tenantId: string, name: string): Promise<MigrationEndpointRecord | undefined> {
  return (await listMigrationEndpoints(store, tenantId)).find((e) => lower(e.name) === lower(name));
}

export async function listSpoRelationships(store: Store, tenantId: string): Promise<SpoRelationshipRecord[]> {
  const rows = await store.db.selectFrom('spo_relationships').selectAll().where('tenant_id', '=', lower(tenantId)).execute();
  return rows.map((r) => ({
    tenantId: r.tenant_id, partnerHostUrl: r.partner_host_url, scenario: r.scenario as 'MnA', partnerRole: r.partner_role as SpoRelationshipRecord['partnerRole'],
    createdDateTime: r.created_at,
  }));
}

export function siteFromRow(s: Row<'sites'>): SiteRecord {
  return {
    tenantId: s.tenant_id, id: s.id, kind: s.kind as SiteRecord['kind'], url: s.url, title: s.title, template: s.template, ownerUserId: s.owner_user_id,
    groupId: s.group_id, state: s.state as SiteRecord['state'], redirectUrl: s.redirect_url, storageQuotaBytes: Number(s.storage_quota_bytes), createdDateTime: s.created_at,
  };
}

/** The user's OneDrive (not a redirect left by an earlier move). */
export async function getOneDrive(store: Store, tenantId: string, ownerUserId: string): Promise<SiteRecord | undefined> {
  const s = await store.db.selectFrom('sites').selectAll().where('tenant_id', '=', lower(tenantId)).where('owner_user_id', '=', lower(ownerUserId))
    .where('kind', '=', 'OneDrive').executeTakeFirst();
  return s && siteFromRow(s);
}

export async function getSiteByUrl(store: Store, tenantId: string, url: string): Promise<SiteRecord | undefined> {
  const s = await store.db.selectFrom('sites').selectAll().where('tenant_id', '=', lower(tenantId)).where('url_key', '=', lower(url).replace(/\/+$/, '')).executeTakeFirst();
  return s && siteFromRow(s);
}

/** The CTIM identity of a source user, held by the target tenant. */
export async function getIdentityMapping(store: Store, targetTenantId: string, sourceTenantId: string, sourceUserId: string): Promise<IdentityMappingRecord | undefined> {
  const m = await store.db.selectFrom('identity_mappings').selectAll().where('target_tenant_id', '=', lower(targetTenantId))
    .where('source_tenant_id', '=', lower(sourceTenantId)).where('source_user_id', '=', lower(sourceUserId)).executeTakeFirst();
  return m && identityFromRow(m);
}

/** The CTIM identity mapped to a target user (the orchestrator's resources are target ids). */
export async function getIdentityMappingByTarget(store: Store, targetTenantId: string, targetUserId: string): Promise<IdentityMappingRecord | undefined> {
  const m = await store.db.selectFrom('identity_mappings').selectAll().where('target_tenant_id', '=', lower(targetTenantId))
    .where('target_user_id', '=', lower(targetUserId)).executeTakeFirst();
  return m && identityFromRow(m);
}

function identityFromRow(m: Row<'identity_mappings'>): IdentityMappingRecord {
  return {
    targetTenantId: m.target_tenant_id, sourceTenantId: m.source_tenant_id, sourceUserId: m.source_user_id, targetUserId: m.target_user_id,
    state: m.state as IdentityMappingRecord['state'], updatedDateTime: m.updated_at,
  };
}

export async function getSpoUserMapping(store: Store, tenantId: string, sourceUpn: string): Promise<SpoUserMappingRecord | undefined> {
  const m = await store.db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', lower(tenantId)).where('source_upn_key', '=', lower(sourceUpn)).executeTakeFirst();
  return m && {
    tenantId: m.tenant_id, id: m.id, sourceOrganizationId: m.source_organization_id, sourceUserPrincipalName: m.source_upn,
    targetUserPrincipalName: m.target_upn, targetEmail: m.target_email, userType: m.user_type as SpoUserMappingRecord['userType'], updatedDateTime: m.updated_at,
  };
}

/** Row counts of one tenant per table: users, recipients, mail items, drive items, chat messages, … */
export async function countTenantRows(store: Store, tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [table, col] of TENANT_TABLES) {
    const r = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where(col as never, '=', lower(tenantId) as never).executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  return out;
}

/** Every tenant (with its domains) and every app registration: what the directory index starts from. */
export async function readDirectoryKeys(store: Store): Promise<{ tenants: TenantRecord[]; applications: AppKey[] }> {
  const [tenants, domains, applications] = await Promise.all([
    store.db.selectFrom('tenants').selectAll().execute(),
    store.db.selectFrom('tenant_domains').selectAll().execute(),
    store.db.selectFrom('applications').select(['app_id', 'owner_tenant_id', 'display_name', 'sign_in_audience', 'required_permissions']).execute(),
  ]);
  return {
    tenants: tenants.map((t) => tenantFromRows(t, domains.filter((d) => d.tenant_id === t.id))),
    applications: applications.map((a) => ({
      appId: a.app_id, ownerTenantId: a.owner_tenant_id, displayName: a.display_name, signInAudience: a.sign_in_audience,
      requiredPermissions: parse<AppPermission[]>(a.required_permissions),
    })),
  };
}

/** One tenant's natural keys for the directory index: users (with addresses), groups, sites, OrgRel names. */
export async function readTenantKeys(store: Store, tenantId: string): Promise<{ users: UserKey[]; groups: GroupKey[]; sites: SiteKey[]; orgRels: OrgRelKey[] }> {
  const db = store.db;
  const users = await db.selectFrom('users').leftJoin('recipients', (j) => j.onRef('recipients.tenant_id', '=', 'users.tenant_id').onRef('recipients.id', '=', 'users.id'))
    .select(['users.id', 'users.user_principal_name', 'recipients.recipient_type', 'recipients.email_addresses'])
    .where('users.tenant_id', '=', tenantId).execute();
  const groups = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).execute();
  const sites = await db.selectFrom('sites').select(['id', 'url_key', 'kind', 'owner_user_id']).where('tenant_id', '=', tenantId).execute();
  const rels = await db.selectFrom('organization_relationships').select(['id', 'name']).where('tenant_id', '=', tenantId).execute();
  return {
    users: users.map((u) => ({
      id: u.id, upn: u.user_principal_name, recipientType: u.recipient_type ?? null,
      addresses: u.email_addresses ? smtpAddresses(parse<string[]>(u.email_addresses)) : [],
    })),
    groups: groups.map((g) => ({
      id: g.id, displayName: g.display_name, mailNickname: g.mail_nickname, mail: g.mail,
      groupType: groupTypeOf(parse(g.group_types), !!g.mail_enabled, !!g.security_enabled),
    })),
    sites: sites.map((x) => ({ id: x.id, urlKey: x.url_key, kind: x.kind, ownerUserId: x.owner_user_id })),
    orgRels: rels,
  };
}

// ---- lists for the admin API ------------------------------------------------------------------

/** App registrations by display name; only those owned by `ownerTenantId` when given. */
export async function listApplications(store: Store, ownerTenantId?: string): Promise<ApplicationRecord[]> {
  let q = store.db.selectFrom('applications').select('app_id').orderBy('display_name');
  if (ownerTenantId) q = q.where('owner_tenant_id', '=', ownerTenantId);
  return Promise.all((await q.execute()).map(async (r) => (await getApplication(store, r.app_id))!));
}

export async function listServicePrincipals(store: Store, tenantId: string): Promise<ServicePrincipalRecord[]> {
  const rows = await store.db.selectFrom('service_principals').select('app_id').where('tenant_id', '=', tenantId).orderBy('display_name').execute();
  return Promise.all(rows.map(async (r) => (await getServicePrincipal(store, tenantId, r.app_id))!));
}

/** The tenant's groups by display name, each with its direct members. */

/** CTIM identities held by the target, optionally from one source tenant. */
export async function listIdentityMappings(store: Store, targetTenantId: string, o: { sourceTenantId?: string; targetUserId?: string } = {}): Promise<IdentityMappingRecord[]> {
  let q = store.db.selectFrom('identity_mappings').selectAll().where('target_tenant_id', '=', targetTenantId).orderBy('source_tenant_id').orderBy('source_user_id');
  if (o.sourceTenantId !== undefined) q = q.where('source_tenant_id', '=', o.sourceTenantId);
  if (o.targetUserId !== undefined) q = q.where('target_user_id', '=', lower(o.targetUserId));
  return (await q.execute()).map(identityFromRow);
}

export async function getSite(store: Store, tenantId: string, siteId: string): Promise<SiteRecord | undefined> {
  const s = await store.db.selectFrom('sites').selectAll().where('tenant_id', '=', lower(tenantId)).where('id', '=', lower(siteId)).executeTakeFirst();
  return s && siteFromRow(s);
}


export async function siteIds(store: Store, tenantId: string): Promise<string[]> {
  return (await store.db.selectFrom('sites').select('id').where('tenant_id', '=', tenantId).execute()).map((r) => r.id);
}

export async function siteItemCount(store: Store, tenantId: string, siteId: string): Promise<number> {
  const n = await store.db.selectFrom('drive_items').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId).where('site_id', '=', siteId).executeTakeFirst();
  return Number(n?.n ?? 0);
}

/** A site's stored items (rows), by path. */
export function siteItemRows(store: Store, tenantId: string, siteId: string): Promise<Row<'drive_items'>[]> {
  return store.db.selectFrom('drive_items').selectAll().where('tenant_id', '=', tenantId).where('site_id', '=', siteId).orderBy('path').execute();
}

/** A site's permission rows (item_id '' = on the site itself). */
export function sitePermissionRows(store: Store, tenantId: string, siteId: string): Promise<Row<'permissions'>[]> {
  return store.db.selectFrom('permissions').selectAll().where('tenant_id', '=', tenantId).where('site_id', '=', siteId).execute();
}

/** The SharePoint identity map's user entries, as stored. */
export function listSpoUserMappingRows(store: Store, tenantId: string): Promise<Row<'spo_user_mappings'>[]> {
  return store.db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).orderBy('source_upn_key').execute();
}

export function getSpoUserMappingRow(store: Store, tenantId: string, sourceUpn: string): Promise<Row<'spo_user_mappings'> | undefined> {
  return store.db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_upn_key', '=', lower(sourceUpn)).executeTakeFirst();
}

export function listSpoGroupMappingRows(store: Store, tenantId: string): Promise<Row<'spo_group_mappings'>[]> {
  return store.db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId).orderBy('source_group_id').execute();
}

export function getSpoGroupMappingRow(store: Store, tenantId: string, sourceGroupId: string): Promise<Row<'spo_group_mappings'> | undefined> {
  return store.db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_group_id', '=', lower(sourceGroupId)).executeTakeFirst();
}
