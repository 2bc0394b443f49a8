// Repository of document libraries: drive items (with child counts and creator names), the root row,
// storage used, and sharing permissions inherited along an item's ancestors.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DriveItemsTable, UploadSessionsTable } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface LibraryRef { tenantId: string; siteId: string }
export interface DriveItemRow extends DriveItemsTable { child_count?: number | string | null; created_by_name?: string | null }
export interface PermissionRow {
  item_id: string;
  principal_type: string;
  principal_id: string;
  role: string;
  link_scope: string | null;
  display_name: string | null;
  email: string | null;
  pkey: string;
}

/** Items of a library as table `d`, with their child count and creator's display name. */
function itemsQuery(db: Db, lib: LibraryRef) {
  return db.selectFrom('drive_items as d').selectAll('d')
    .select((eb) => [
      eb.selectFrom('drive_items as c').select(eb.fn.countAll().as('n'))
        .whereRef('c.tenant_id', '=', 'd.tenant_id').whereRef('c.site_id', '=', 'd.site_id').whereRef('c.parent_id', '=', 'd.id').as('child_count'),
      eb.selectFrom('users as u').select('u.display_name').whereRef('u.tenant_id', '=', 'd.tenant_id').whereRef('u.id', '=', 'd.created_by').as('created_by_name'),
    ])
    .where('d.tenant_id', '=', lib.tenantId).where('d.site_id', '=', lib.siteId);
}

/** Children of `parentId`, or (null) the top-level items of a library that has no stored root row. */
function childrenOf<Q extends { where: (...a: any[]) => Q }>(q: Q, parentId: string | null): Q {
  return parentId === null ? q.where('d.parent_id', 'is', null).where('d.path', 'not in', ['/', '']) : q.where('d.parent_id', '=', parentId);
}

export const driveRepo = {
  /** The library's stored root row id, if it has one. */
  async rootId(db: Db, lib: LibraryRef): Promise<string | undefined> {
    const root = await db.selectFrom('drive_items').select('id').where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId)
      .where('parent_id', 'is', null).where('path', 'in', ['/', '']).executeTakeFirst();
    return root?.id;
  },

  children(db: Db, lib: LibraryRef, parentId: string | null): ListSource<DriveItemRow> {
    return listSource(
      () => childrenOf(itemsQuery(db, lib) as any, parentId) as never,
      () => childrenOf(db.selectFrom('drive_items as d').where('d.tenant_id', '=', lib.tenantId).where('d.site_id', '=', lib.siteId) as any, parentId) as never,
    );
  },

  async childCount(db: Db, lib: LibraryRef, parentId: string | null): Promise<number> {
    return driveRepo.children(db, lib, parentId).count();
  },

  async item(db: Db, lib: LibraryRef, id: string): Promise<DriveItemRow | undefined> {
    return (await itemsQuery(db, lib).where('d.id', '=', id).executeTakeFirst()) as DriveItemRow | undefined;
  },

  /** An item by its path in the library, case-insensitively ('/Projects/plan.docx'). */
  async itemByPath(db: Db, lib: LibraryRef, path: string): Promise<DriveItemRow | undefined> {
    return (await itemsQuery(db, lib).where(sql`lower(d.path)`, '=', path.toLowerCase()).executeTakeFirst()) as DriveItemRow | undefined;
  },

  /** The bare item row (no counts), for walking up to its ancestors. */
  async itemRow(db: Db, lib: LibraryRef, id: string): Promise<DriveItemsTable | undefined> {
    return db.selectFrom('drive_items').selectAll().where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).where('id', '=', id).executeTakeFirst();
  },

  async usedBytes(db: Db, lib: LibraryRef): Promise<number> {
    const used = await db.selectFrom('drive_items').select(sql<number>`coalesce(sum(size_bytes), 0)`.as('n')).where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).executeTakeFirst();
    return Number(used?.n ?? 0);
  },

  /** Permissions granted on any of `sources` (item ids; '' = the site), as derived table `p`. */
  permissions(db: Db, lib: LibraryRef, sources: readonly string[]): ListSource<PermissionRow> {
    const inner = () => db.selectFrom('permissions as p0')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'p0.tenant_id').onRef('u.id', '=', 'p0.principal_id'))
      .leftJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'p0.tenant_id').onRef('g.id', '=', 'p0.principal_id'))
      .select((eb) => [
        'p0.item_id', 'p0.principal_type', 'p0.principal_id', 'p0.role', 'p0.link_scope',
        eb.fn.coalesce('u.display_name', 'g.display_name').as('display_name'),
        eb.fn.coalesce('u.mail', 'g.mail').as('email'),
        sql<string>`p0.item_id || '|' || p0.principal_type || '|' || p0.principal_id`.as('pkey'),
      ])
      .where('p0.tenant_id', '=', lib.tenantId).where('p0.site_id', '=', lib.siteId).where('p0.item_id', 'in', [...sources]);
    return listSource(() => db.selectFrom(inner().as('p')).selectAll() as never, () => db.selectFrom(inner().as('p')) as never);
  },

  // ---- writes through Graph (graph/directory/driveWrites.ts); the change-log triggers record each one ----

  /** A child of `parentId` (null = top level of a library without a root row) by name, case-insensitively. */
  async childByName(db: Db, lib: LibraryRef, parentId: string | null, name: string): Promise<DriveItemRow | undefined> {
    return (await childrenOf(itemsQuery(db, lib) as any, parentId).where(sql`lower(d.name)`, '=', name.toLowerCase()).executeTakeFirst()) as DriveItemRow | undefined;
  },

  async insertItem(db: Db, row: DriveItemsTable): Promise<void> {
    await db.insertInto('drive_items').values(row).execute();
  },

  /** New content for a file: the current content becomes a version (label n.0). */
  async replaceContent(db: Db, lib: LibraryRef, id: string, content: { sha256: string; size: number }, by: string | null, nowIso: string): Promise<void> {
    const cur = await driveRepo.itemRow(db, lib, id);
    if (!cur) return;
    const versions = JSON.parse(cur.versions) as { label: string; sizeBytes: number; contentHash: string | null; modifiedAt: string }[];
    versions.push({ label: `${versions.length + 1}.0`, sizeBytes: Number(cur.size_bytes), contentHash: cur.content_hash, modifiedAt: cur.modified_at });
    await db.updateTable('drive_items').set({ content_hash: content.sha256, size_bytes: content.size, versions: JSON.stringify(versions), modified_at: nowIso, ...(by ? { created_by: cur.created_by ?? by } : {}) })
      .where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).where('id', '=', id).execute();
  },

  /** Renames and/or moves an item; a folder's descendants follow (their paths are rewritten). */
  async moveItem(db: Db, lib: LibraryRef, id: string, to: { parentId: string | null; name: string; path: string }, nowIso: string): Promise<void> {
    const cur = await driveRepo.itemRow(db, lib, id);
    if (!cur) return;
    await db.updateTable('drive_items').set({ parent_id: to.parentId, name: to.name, path: to.path, modified_at: nowIso })
      .where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).where('id', '=', id).execute();
    if (cur.is_folder === 1 && cur.path !== to.path) {
      await db.updateTable('drive_items').set({ path: sql<string>`${to.path} || substr(path, ${cur.path.length + 1})` })
        .where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).where(sql<string>`substr(path, 1, ${cur.path.length + 1})`, '=', `${cur.path}/`)
        .execute();
    }
  },

  /** Deletes an item and everything below it. */
  async deleteTree(db: Db, lib: LibraryRef, id: string): Promise<void> {
    const cur = await driveRepo.itemRow(db, lib, id);
    if (!cur) return;
    if (cur.is_folder === 1) {
      await db.deleteFrom('drive_items').where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId)
        .where(sql<string>`substr(path, 1, ${cur.path.length + 1})`, '=', `${cur.path}/`).execute();
    }
    await db.deleteFrom('drive_items').where('tenant_id', '=', lib.tenantId).where('site_id', '=', lib.siteId).where('id', '=', id).execute();
  },

  /** Every item of a library (a delta's first pass), in id order after `afterId`. */
  async page(db: Db, lib: LibraryRef, afterId: string, limit: number): Promise<DriveItemRow[]> {
    return (await itemsQuery(db, lib).where('d.id', '>', afterId).orderBy('d.id').limit(limit).execute()) as DriveItemRow[];
  },

  async itemsByIds(db: Db, lib: LibraryRef, ids: readonly string[]): Promise<DriveItemRow[]> {
    if (!ids.length) return [];
    return (await itemsQuery(db, lib).where('d.id', 'in', [...ids]).execute()) as DriveItemRow[];
  },
};

/** OneDrive upload sessions in progress (createUploadSession); their bytes are staged in the blob store. */
export const uploadSessionsRepo = {
  async create(db: Db, row: UploadSessionsTable): Promise<void> {
    await db.insertInto('upload_sessions').values(row).execute();
  },
  get(db: Db, id: string): Promise<UploadSessionsTable | undefined> {
    return db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Moves the received mark from `from` to `to`; false when another request moved it first. */
  async advance(db: Db, id: string, from: number, to: number): Promise<boolean> {
    const r = await db.updateTable('upload_sessions').set({ received_bytes: to }).where('id', '=', id).where('received_bytes', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('upload_sessions').where('id', '=', id).execute();
  },
  async expired(db: Db, nowIso: string, limit: number): Promise<string[]> {
    return (await db.selectFrom('upload_sessions').select('id').where('expires_at', '<', nowIso).limit(limit).execute()).map((r) => r.id);
  },
};
