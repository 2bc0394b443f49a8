// The set-based reads behind a validation snapshot (engine/validation): a tenant's configuration,
// and per chunk of users the directory, Exchange, mapping, OneDrive and meeting rows the rules read.
// Rows come back as stored; the engine turns them into the domain's snapshot shapes.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import { builder, type Handle } from './unitOfWork.js';
import type { Database } from './schema.js';

/** The store, a transaction, or (older callers) store.db. */
type Db = Handle | Kysely<Database>;

export const validationRepo = {
  /** A tenant's configuration rows; `tenant` is undefined for an unknown tenant. */
  async tenantConfig(h: Db, id: string) {
    const db = builder(h);
    const [tenant, domains, apps, sps, rels, endpoints, spoRels] = await Promise.all([
      db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst(),
      db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', id).execute(),
      db.selectFrom('applications').selectAll().where('owner_tenant_id', '=', id).execute(),
      db.selectFrom('service_principals').leftJoin('applications', 'applications.app_id', 'service_principals.app_id')
        .select(['service_principals.app_id', 'service_principals.display_name', 'service_principals.granted_permissions',
          'service_principals.directory_roles', 'applications.owner_tenant_id'])
        .where('service_principals.tenant_id', '=', id).execute(),
      db.selectFrom('organization_relationships').selectAll().where('tenant_id', '=', id).orderBy('created_at').execute(),
      db.selectFrom('migration_endpoints').selectAll().where('tenant_id', '=', id).execute(),
      db.selectFrom('spo_relationships').selectAll().where('tenant_id', '=', id).execute(),
    ]);
    return { tenant, domains, apps, sps, rels, endpoints, spoRels };
  },

  /** Groups named by an OrgRel's published scopes: by id, display name, alias or address (lower-case). */
  scopeGroups(h: Db, tenantId: string, scopes: readonly string[]) {
    const db = builder(h);
    if (scopes.length === 0) return Promise.resolve([]);
    return db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([
        eb(eb.fn('lower', ['id']), 'in', [...scopes]),
        eb(eb.fn('lower', ['display_name']), 'in', [...scopes]),
        eb(eb.fn('lower', ['mail_nickname']), 'in', [...scopes]),
        eb(eb.fn('lower', ['mail']), 'in', [...scopes]),
      ])).execute();
  },

  users(h: Db, tenantId: string, ids: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  },

  recipients(h: Db, tenantId: string, ids: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('recipients').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', [...ids]).execute();
  },

  /** Identity mappings of target users from one source tenant (a user may be mapped more than once). */
  identityMappings(h: Db, targetTenantId: string, sourceTenantId: string, targetUserIds: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('identity_mappings').select(['target_user_id', 'source_user_id', 'state'])
      .where('target_tenant_id', '=', targetTenantId).where('source_tenant_id', '=', sourceTenantId).where('target_user_id', 'in', [...targetUserIds])
      .orderBy('source_user_id').execute();
  },

  /** Sites that are the users' OneDrives, or that sit at one of `urlKeys`. */
  targetOneDrives(h: Db, tenantId: string, ownerIds: readonly string[], urlKeys: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('sites').select(['url', 'url_key', 'owner_user_id', 'kind']).where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([
        eb.and([eb('owner_user_id', 'in', [...ownerIds]), eb('kind', '=', 'OneDrive')]),
        ...(urlKeys.length ? [eb('url_key', 'in', [...urlKeys])] : []),
      ])).execute();
  },

  groupMemberships(h: Db, tenantId: string, groupIds: readonly string[], memberIds: readonly string[]) {
    const db = builder(h);
    if (groupIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('group_members').select(['group_id', 'member_id'])
      .where('tenant_id', '=', tenantId).where('group_id', 'in', [...groupIds]).where('member_id', 'in', [...memberIds]).execute();
  },

  /** The users' OneDrives and the redirects earlier moves left. */
  sourceOneDrives(h: Db, tenantId: string, ownerIds: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('sites').select(['id', 'url', 'owner_user_id', 'kind', 'state']).where('tenant_id', '=', tenantId)
      .where('owner_user_id', 'in', [...ownerIds]).where('kind', 'in', ['OneDrive', 'Redirect']).execute();
  },

  /** Meetings organized, per organizer. */
  meetingCounts(h: Db, tenantId: string, organizerIds: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('meetings').select(['organizer_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('tenant_id', '=', tenantId).where('organizer_id', 'in', [...organizerIds]).groupBy('organizer_id').execute();
  },

  /** The target's SharePoint identity map entries for these source UPNs (lower-case keys). */
  spoUserMappings(h: Db, tenantId: string, sourceUpnKeys: readonly string[]) {
    const db = builder(h);
    return db.selectFrom('spo_user_mappings').select(['source_upn_key', 'source_upn', 'target_upn', 'target_email', 'user_type'])
      .where('tenant_id', '=', tenantId).where('source_upn_key', 'in', [...sourceUpnKeys]).execute();
  },

  /**
   * Per site: items and bytes, older versions included, and the longest path, in one aggregate: the version
   * lists are summed in the database (read into JavaScript they were memory in proportion to the files of
   * every user of the job: ~140 MB at the peak of a 2,000-user validation).
   */
  async driveStats(h: Db, tenantId: string, siteIds: readonly string[]) {
    const db = builder(h);
    const versionCount = isPostgres(db) ? sql<number>`jsonb_array_length(versions)` : sql<number>`json_array_length(versions)`;
    const versionBytes = isPostgres(db)
      ? sql<number>`(select sum((v ->> 'sizeBytes')::bigint) from jsonb_array_elements(versions) as v)`
      : sql<number>`case when versions <> '[]' then (select sum(v.value ->> '$.sizeBytes') from json_each(versions) as v) end`;
    return db.selectFrom('drive_items')
      .select((eb) => ['site_id', sql<number | string>`count(*) + coalesce(sum(${versionCount}), 0)`.as('n'),
        sql<number | string>`coalesce(sum(size_bytes), 0) + coalesce(sum(${versionBytes}), 0)`.as('bytes'),
        eb.fn.max<number | string>(eb.fn('length', ['path'])).as('longest')])
      .where('tenant_id', '=', tenantId).where('site_id', 'in', [...siteIds]).groupBy('site_id').execute();
  },
};
