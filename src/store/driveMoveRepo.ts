// Repository for SharePoint / OneDrive site moves: the move row, set-based chunk copies of drive items
// and permissions (INSERT…SELECT with target ids derived in SQL from the move id and the source id, so
// a rerun writes the same rows and ON CONFLICT keeps them single), the id map, the redirect left at the
// source, and the rollback. Principals are rewritten through the SharePoint identity map in the same
// statement; rows whose principal has no entry are not copied (counted as dropped).
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database, SiteMovesTable, SitesTable } from './schema.js';
import { prepared } from './prepared.js';

type Db = Kysely<Database> | Transaction<Database>;

// Read several times by each chunk of a OneDrive move.
const moveById = prepared((db: Kysely<Database>, id: string) => db.selectFrom('site_moves').selectAll().where('id', '=', id), [''] as [string]);

/** A GUID-shaped id derived from text, the same in SQLite (md5 registered in db.ts) and PostgreSQL. */
function derivedId(seed: RawBuilder<string>): RawBuilder<string> {
  return sql<string>`(select substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12) from (select md5(${seed}) as h) as dh)`;
}
const itemIdFor = (moveId: string, col: RawBuilder<string>) => derivedId(sql<string>`${moveId} || ':' || ${col}`);

export interface BeginMove {
  id: string;
  kind: string;
  source: SitesTable;
  targetTenantId: string;
  targetSiteId: string;
  targetUrl: string;
  targetTitle: string;
  targetOwnerUserId: string | null;
  targetGroupId: string | null;
  now: string;
}

export interface ChunkCopy { cursor: string | null; items: number; bytes: number; permissionsKept: number; permissionsDropped: number }

export const driveMoveRepo = {
  get(db: Db, id: string): Promise<SiteMovesTable | undefined> {
    return moveById.first(db, id);
  },

  site(db: Db, tenantId: string, siteId: string): Promise<SitesTable | undefined> {
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('id', '=', siteId).executeTakeFirst();
  },

  siteByUrl(db: Db, tenantId: string, url: string): Promise<SitesTable | undefined> {
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('url_key', '=', url.toLowerCase().replace(/\/+$/, '')).executeTakeFirst();
  },

  oneDriveOf(db: Db, tenantId: string, userId: string): Promise<SitesTable | undefined> {
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('owner_user_id', '=', userId).where('kind', '=', 'OneDrive')
      .orderBy('created_at', 'desc').executeTakeFirst();
  },

  tenantHosts(db: Db, tenantId: string): Promise<{ my_site_host: string; root_site_host: string } | undefined> {
    return db.selectFrom('tenants').select(['my_site_host', 'root_site_host']).where('id', '=', tenantId).executeTakeFirst();
  },

  /** Files and folders of a site (rows) and their current bytes. */
  async siteTotals(db: Db, tenantId: string, siteId: string): Promise<{ items: number; bytes: number }> {
    const r = await db.selectFrom('drive_items').select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.sum<number | string>('size_bytes').as('b')])
      .where('tenant_id', '=', tenantId).where('site_id', '=', siteId).executeTakeFirst();
    return { items: Number(r?.n ?? 0), bytes: Number(r?.b ?? 0) };
  },

  /**
   * Starts a move once: records it, makes the source read-only, creates the (not yet accessible) target
   * site and copies the site-level permissions. A second call finds the row and does nothing.
   */
  async begin(trx: Transaction<Database>, m: BeginMove): Promise<SiteMovesTable> {
    const existing = await driveMoveRepo.get(trx, m.id);
    if (existing) return existing;
    const totals = await driveMoveRepo.siteTotals(trx, m.source.tenant_id, m.source.id);
    const row: SiteMovesTable = {
      id: m.id, kind: m.kind, source_tenant_id: m.source.tenant_id, source_site_id: m.source.id, source_url: m.source.url,
      source_state_before: m.source.state, target_tenant_id: m.targetTenantId, target_site_id: m.targetSiteId, target_url: m.targetUrl,
      phase: 'copying', cursor: null, source_items: totals.items, source_bytes: totals.bytes, items_copied: 0, bytes_copied: 0,
      permissions_kept: 0, permissions_dropped: 0, created_at: m.now, updated_at: m.now,
    };
    await trx.insertInto('site_moves').values(row).execute();
    await trx.updateTable('sites').set({ state: 'ReadOnly' }).where('tenant_id', '=', m.source.tenant_id).where('id', '=', m.source.id).execute();
    await trx.insertInto('sites').values({
      tenant_id: m.targetTenantId, id: m.targetSiteId, url: m.targetUrl, url_key: m.targetUrl.toLowerCase(), kind: m.source.kind, template: m.source.template,
      title: m.targetTitle, owner_user_id: m.targetOwnerUserId, group_id: m.targetGroupId, state: 'NoAccess', redirect_url: null,
      storage_quota_bytes: m.source.storage_quota_bytes, created_at: m.now,
    }).execute();
    const perms = await copyPermissions(trx, row, { exact: '' });
    row.permissions_kept = perms.kept;
    row.permissions_dropped = perms.dropped;
    await trx.updateTable('site_moves').set({ permissions_kept: perms.kept, permissions_dropped: perms.dropped }).where('id', '=', m.id).execute();
    return row;
  },

  /**
   * Copies the next `limit` drive items after the move's cursor (source id order) with their
   * permissions and id map, and advances the cursor, in the caller's transaction.
   */
  async copyChunk(trx: Transaction<Database>, move: SiteMovesTable, limit: number, now: string): Promise<ChunkCopy> {
    const lo = move.cursor ?? '';
    const ids = await trx.selectFrom('drive_items').select(['id', 'size_bytes'])
      .where('tenant_id', '=', move.source_tenant_id).where('site_id', '=', move.source_site_id).where('id', '>', lo)
      .orderBy('id').limit(limit).execute();
    if (ids.length === 0) return { cursor: null, items: 0, bytes: 0, permissionsKept: 0, permissionsDropped: 0 };
    const hi = ids[ids.length - 1]!.id;
    const bytes = ids.reduce((n, r) => n + Number(r.size_bytes), 0);
    const tt = move.target_tenant_id;

    await trx.insertInto('drive_items')
      .columns(['tenant_id', 'site_id', 'id', 'parent_id', 'name', 'path', 'is_folder', 'size_bytes', 'content_hash', 'versions', 'created_by', 'modified_at'])
      .expression(
        trx.selectFrom('drive_items as s')
          .leftJoin('users as su', (j) => j.onRef('su.tenant_id', '=', 's.tenant_id').onRef('su.id', '=', 's.created_by'))
          .leftJoin('spo_user_mappings as um', (j) => j.on('um.tenant_id', '=', tt).onRef('um.source_upn_key', '=', 'su.upn_key')
            .on('um.source_organization_id', '=', move.source_tenant_id))
          .leftJoin('users as tu', (j) => j.on('tu.tenant_id', '=', tt).onRef('tu.upn_key', '=', 'um.target_upn_key'))
          .select((eb) => [
            sql.val(tt).as('tenant_id'), sql.val(move.target_site_id).as('site_id'),
            itemIdFor(move.id, sql<string>`s.id`).as('id'),
            eb.case().when('s.parent_id', 'is', null).then(sql<string | null>`null`).else(itemIdFor(move.id, sql<string>`s.parent_id`)).end().as('parent_id'),
            's.name', 's.path', 's.is_folder', 's.size_bytes', 's.content_hash', 's.versions', 'tu.id as created_by', 's.modified_at',
          ])
          .where('s.tenant_id', '=', move.source_tenant_id).where('s.site_id', '=', move.source_site_id).where('s.id', '>', lo).where('s.id', '<=', hi),
      )
      .onConflict((oc) => oc.doNothing()).execute();

    await trx.insertInto('drive_item_map').columns(['move_id', 'source_item_id', 'target_item_id'])
      .expression(trx.selectFrom('drive_items as s').select([sql.val(move.id).as('move_id'), 's.id as source_item_id', itemIdFor(move.id, sql<string>`s.id`).as('target_item_id')])
        .where('s.tenant_id', '=', move.source_tenant_id).where('s.site_id', '=', move.source_site_id).where('s.id', '>', lo).where('s.id', '<=', hi))
      .onConflict((oc) => oc.doNothing()).execute();

    const perms = await copyPermissions(trx, move, { after: lo, upTo: hi });
    await trx.updateTable('site_moves').set((eb) => ({
      cursor: hi,
      items_copied: eb('items_copied', '+', ids.length),
      bytes_copied: eb('bytes_copied', '+', bytes),
      permissions_kept: eb('permissions_kept', '+', perms.kept),
      permissions_dropped: eb('permissions_dropped', '+', perms.dropped),
      updated_at: now,
    })).where('id', '=', move.id).execute();
    return { cursor: hi, items: ids.length, bytes, permissionsKept: perms.kept, permissionsDropped: perms.dropped };
  },

  /**
   * The source becomes a redirect site (RedirectSite#0) pointing at the target, its content leaves
   * the source tenant, and the target opens. Idempotent.
   */
  async finalize(trx: Transaction<Database>, move: SiteMovesTable, now: string): Promise<void> {
    if (move.phase === 'finalized') return;
    await trx.deleteFrom('permissions').where('tenant_id', '=', move.source_tenant_id).where('site_id', '=', move.source_site_id).execute();
    await trx.deleteFrom('drive_items').where('tenant_id', '=', move.source_tenant_id).where('site_id', '=', move.source_site_id).execute();
    await trx.updateTable('sites').set({ kind: 'Redirect', template: 'RedirectSite#0', redirect_url: move.target_url, state: move.source_state_before })
      .where('tenant_id', '=', move.source_tenant_id).where('id', '=', move.source_site_id).execute();
    await trx.updateTable('sites').set({ state: 'ReadWrite' }).where('tenant_id', '=', move.target_tenant_id).where('id', '=', move.target_site_id).execute();
    await trx.updateTable('site_moves').set({ phase: 'finalized', updated_at: now }).where('id', '=', move.id).execute();
  },

  /** Removes what a not-finalized move copied and unlocks the source. A finalized move stays. */
  async rollback(trx: Transaction<Database>, id: string): Promise<boolean> {
    const move = await driveMoveRepo.get(trx, id);
    if (!move || move.phase === 'finalized') return false;
    await trx.deleteFrom('permissions').where('tenant_id', '=', move.target_tenant_id).where('site_id', '=', move.target_site_id).execute();
    await trx.deleteFrom('drive_items').where('tenant_id', '=', move.target_tenant_id).where('site_id', '=', move.target_site_id).execute();
    await trx.deleteFrom('sites').where('tenant_id', '=', move.target_tenant_id).where('id', '=', move.target_site_id).execute();
    await trx.updateTable('sites').set({ state: move.source_state_before }).where('tenant_id', '=', move.source_tenant_id).where('id', '=', move.source_site_id).execute();
    await trx.deleteFrom('drive_item_map').where('move_id', '=', id).execute();
    await trx.deleteFrom('site_moves').where('id', '=', id).execute();
    return true;
  },

  async targetCount(db: Db, move: SiteMovesTable): Promise<number> {
    const r = await db.selectFrom('drive_items').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', move.target_tenant_id).where('site_id', '=', move.target_site_id).executeTakeFirst();
    return Number(r?.n ?? 0);
  },
};

/**
 * Permissions of the items in (after, upTo] — or the site itself (item_id '') — rewritten for the target:
 * users through the SharePoint user map (source UPN → target UPN → target user), groups through the
 * group map (to an existing target group), sharing links re-issued with a derived link id.
 */
async function copyPermissions(trx: Transaction<Database>, move: SiteMovesTable, range: { exact: string } | { after: string; upTo: string }) {
  const tt = move.target_tenant_id;
  const scoped = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
    const base = q.where('p.tenant_id', '=', move.source_tenant_id).where('p.site_id', '=', move.source_site_id);
    return 'exact' in range ? base.where('p.item_id', '=', range.exact) : base.where('p.item_id', '>', range.after).where('p.item_id', '<=', range.upTo);
  };
  const total = await scoped(trx.selectFrom('permissions as p').select((eb) => eb.fn.countAll<number | string>().as('n')) as any).executeTakeFirst() as { n: number | string } | undefined;
  const select = trx.selectFrom('permissions as p')
    .leftJoin('users as su', (j) => j.onRef('su.tenant_id', '=', 'p.tenant_id').onRef('su.id', '=', 'p.principal_id').on('p.principal_type', '=', 'user'))
    .leftJoin('spo_user_mappings as um', (j) => j.on('um.tenant_id', '=', tt).onRef('um.source_upn_key', '=', 'su.upn_key')
      .on('um.source_organization_id', '=', move.source_tenant_id))
    .leftJoin('users as tu', (j) => j.on('tu.tenant_id', '=', tt).onRef('tu.upn_key', '=', 'um.target_upn_key'))
    .leftJoin('spo_group_mappings as gm', (j) => j.on('gm.tenant_id', '=', tt).onRef('gm.source_group_id', '=', 'p.principal_id').on('p.principal_type', '=', 'group')
      .on('gm.source_organization_id', '=', move.source_tenant_id))
    .leftJoin('groups as tg', (j) => j.on('tg.tenant_id', '=', tt).onRef('tg.id', '=', 'gm.target_group_id'))
    .select((eb) => [
      sql.val(tt).as('tenant_id'), sql.val(move.target_site_id).as('site_id'),
      eb.case().when('p.item_id', '=', '').then(sql<string>`''`).else(itemIdFor(move.id, sql<string>`p.item_id`)).end().as('item_id'),
      'p.principal_type',
      eb.case().when('p.principal_type', '=', 'user').then(sql<string>`tu.id`).when('p.principal_type', '=', 'group').then(sql<string>`tg.id`)
        .else(derivedId(sql<string>`${move.id} || ':link:' || p.principal_id`)).end().as('principal_id'),
      'p.role', 'p.link_scope',
    ])
    .where((eb) => eb.or([eb('p.principal_type', '=', 'link'), eb('tu.id', 'is not', null), eb('tg.id', 'is not', null)]));
  const res = await trx.insertInto('permissions').columns(['tenant_id', 'site_id', 'item_id', 'principal_type', 'principal_id', 'role', 'link_scope'])
    .expression(scoped(select as any) as never).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  const kept = Number(res.numInsertedOrUpdatedRows ?? 0);
  return { kept, dropped: Math.max(0, Number(total?.n ?? 0) - kept) };
}

/** The site at a URL in any tenant, following redirect sites (RedirectSite#0) to where the content went. */
export async function resolveSiteUrl(db: Db, url: string): Promise<{ site: SitesTable; redirectedFrom: string[] } | undefined> {
  const redirectedFrom: string[] = [];
  let key = url.trim().toLowerCase().replace(/\/+$/, '');
  for (let hop = 0; hop < 8; hop++) {
    const sites = await db.selectFrom('sites').selectAll().where('url_key', '=', key).execute();
    const live = sites.find((s) => s.kind !== 'Redirect');
    if (live) return { site: live, redirectedFrom };
    const red = sites.find((s) => s.kind === 'Redirect' && s.redirect_url);
    if (!red) return undefined;
    redirectedFrom.push(red.url);
    key = red.redirect_url!.toLowerCase().replace(/\/+$/, '');
  }
  return undefined;
}
