// Repository of the directory reads behind Graph's /users, /groups, /organization, /subscribedSkus and
// /sites: rows scoped to one tenant, and list sources the graph layer pages and filters.
import type { Kysely } from 'kysely';
import { builder, type Handle } from './unitOfWork.js';
import type { Database, GroupsTable, SitesTable, TenantDomainsTable, TenantsTable } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';

/** The store, a transaction, or (older callers) store.db. */
type Db = Handle | Kysely<Database>;

/** A user joined with its recipient (proxyAddresses and mailNickname live in Exchange). */
export interface UserRow {
  id: string;
  user_principal_name: string;
  display_name: string;
  mail: string | null;
  account_enabled: number;
  user_type: string;
  licenses: string;
  created_at: string;
  alias: string | null;
  email_addresses: string | null;
}

/** A direct member of a group: a user or a nested group, in one shape. */
export interface GroupMemberRow {
  id: string;
  kind: string;
  display_name: string | null;
  user_principal_name: string | null;
  mail: string | null;
  mail_nickname: string | null;
  mail_enabled: number | null;
  security_enabled: number | null;
  account_enabled: number | null;
  user_type: string | null;
}

function usersQuery(h: Db, tenantId: string) {
  const db = builder(h);
  return db.selectFrom('users as u')
    .leftJoin('recipients as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.id'))
    .select(['u.id', 'u.user_principal_name', 'u.display_name', 'u.mail', 'u.account_enabled', 'u.user_type', 'u.licenses', 'u.created_at', 'r.alias', 'r.email_addresses'])
    .where('u.tenant_id', '=', tenantId);
}

/** Direct members as one derived table `m`, so a filter on display_name works for users and groups alike. */
function membersQuery(h: Db, tenantId: string, groupId: string) {
  const db = builder(h);
  const inner = db.selectFrom('group_members as gm')
    .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'gm.tenant_id').onRef('u.id', '=', 'gm.member_id'))
    .leftJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'gm.tenant_id').onRef('g.id', '=', 'gm.member_id'))
    .select((eb) => [
      'gm.member_id as id',
      eb.case().when('u.id', 'is not', null).then('user').else('group').end().as('kind'),
      eb.fn.coalesce('u.display_name', 'g.display_name').as('display_name'),
      'u.user_principal_name',
      eb.fn.coalesce('u.mail', 'g.mail').as('mail'),
      'g.mail_nickname',
      'g.mail_enabled',
      'g.security_enabled',
      'u.account_enabled',
      'u.user_type',
    ])
    .where('gm.tenant_id', '=', tenantId).where('gm.group_id', '=', groupId)
    .where((eb) => eb.or([eb('u.id', 'is not', null), eb('g.id', 'is not', null)]));
  return db.selectFrom(inner.as('m')).selectAll();
}

const norm = (url: string) => url.trim().toLowerCase().replace(/\/+$/, '');

export const directoryRepo = {
  /** The tenant's users with their recipient data (columns qualified `u.`). */
  users(h: Db, tenantId: string): ListSource<UserRow> {
    const db = builder(h);
    return listSource(() => usersQuery(db, tenantId) as never, () => db.selectFrom('users as u').where('u.tenant_id', '=', tenantId) as never);
  },

  async userRow(h: Db, tenantId: string, userId: string): Promise<UserRow | undefined> {
    const db = builder(h);
    return (await usersQuery(db, tenantId).where('u.id', '=', userId).executeTakeFirst()) as UserRow | undefined;
  },

  /** Every user's licence list (JSON text), for the tenant's consumed units. */
  async userLicenses(h: Db, tenantId: string): Promise<string[]> {
    const db = builder(h);
    const rows = await db.selectFrom('users').select('licenses').where('tenant_id', '=', tenantId).execute();
    return rows.map((r) => r.licenses);
  },

  async tenantWithDomains(h: Db, tenantId: string): Promise<{ tenant: TenantsTable; domains: TenantDomainsTable[] } | undefined> {
    const db = builder(h);
    const tenant = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
    if (!tenant) return undefined;
    const domains = await db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    return { tenant, domains };
  },

  groups(h: Db, tenantId: string): ListSource<GroupsTable> {
    const db = builder(h);
    return listSource(() => db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId), () => db.selectFrom('groups').where('tenant_id', '=', tenantId));
  },

  /** A group by object id (as given, or lower-cased). */
  group(h: Db, tenantId: string, key: string): Promise<GroupsTable | undefined> {
    const db = builder(h);
    return db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('id', '=', key), eb('id', '=', key.toLowerCase())])).executeTakeFirst();
  },

  /** Direct members of a group (columns of the derived table `m`). */
  groupMembers(h: Db, tenantId: string, groupId: string): ListSource<GroupMemberRow> {
    const db = builder(h);
    return listSource(() => membersQuery(db, tenantId, groupId) as never, () => membersQuery(db, tenantId, groupId).clearSelect() as never);
  },

  async rootSiteHost(h: Db, tenantId: string): Promise<string> {
    const db = builder(h);
    const t = await db.selectFrom('tenants').select('root_site_host').where('id', '=', tenantId).executeTakeFirst();
    return t?.root_site_host ?? '';
  },

  sites(h: Db, tenantId: string): ListSource<SitesTable> {
    const db = builder(h);
    return listSource(() => db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId), () => db.selectFrom('sites').where('tenant_id', '=', tenantId));
  },

  /** The tenant's root site: the one at its root host, with or without the trailing slash. */
  async rootSite(h: Db, tenantId: string): Promise<SitesTable | undefined> {
    const db = builder(h);
    const host = norm(await directoryRepo.rootSiteHost(db, tenantId));
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('url_key', 'in', [host, `${host}/`]).executeTakeFirst();
  },

  /** A site by id (as given, or lower-cased). */
  siteById(h: Db, tenantId: string, id: string): Promise<SitesTable | undefined> {
    const db = builder(h);
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('id', '=', id), eb('id', '=', id.toLowerCase())])).executeTakeFirst();
  },

  /** A site by absolute URL (case and trailing slashes ignored). */
  siteByUrl(h: Db, tenantId: string, url: string): Promise<SitesTable | undefined> {
    const db = builder(h);
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('url_key', '=', norm(url)).executeTakeFirst();
  },

  /** The user's OneDrive (the newest, should there be several). */
  oneDriveOf(h: Db, tenantId: string, userId: string): Promise<SitesTable | undefined> {
    const db = builder(h);
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('owner_user_id', '=', userId)
      .where('kind', '=', 'OneDrive').orderBy('created_at', 'desc').executeTakeFirst();
  },

  /** id and display name of a user, for a drive's owner. */
  userIdentity(h: Db, tenantId: string, userId: string): Promise<{ id: string; displayName: string } | undefined> {
    const db = builder(h);
    return db.selectFrom('users').select(['id', 'display_name as displayName']).where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
  },

  /** UPNs of some of the tenant's users, by id. */
  async userPrincipalNames(h: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const db = builder(h);
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('users').select(['id', 'user_principal_name']).where('tenant_id', '=', tenantId).where('id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, r.user_principal_name);
    }
    return out;
  },

  /** Object ids of the tenant's users by lower-case UPN; UPNs without a user are left out. */
  async userIdsByUpn(h: Db, tenantId: string, upnKeys: readonly string[]): Promise<Map<string, string>> {
    const db = builder(h);
    const out = new Map<string, string>();
    for (let i = 0; i < upnKeys.length; i += 500) {
      const rows = await db.selectFrom('users').select(['id', 'upn_key']).where('tenant_id', '=', tenantId).where('upn_key', 'in', upnKeys.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.upn_key, r.id);
    }
    return out;
  },

  /** Every stored tenant's id. */
  async tenantIds(h: Db): Promise<string[]> {
    const db = builder(h);
    return (await db.selectFrom('tenants').select('id').execute()).map((t) => t.id);
  },

  /** True when no tenant is stored yet (a new store). */
  async isEmpty(h: Db): Promise<boolean> {
    const db = builder(h);
    return !(await db.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
  },

  async recipientType(h: Db, tenantId: string, id: string): Promise<string | undefined> {
    const db = builder(h);
    const r = await db.selectFrom('recipients').select('recipient_type').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return r?.recipient_type ?? undefined;
  },
};

