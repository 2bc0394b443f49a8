// Repository of mailbox content: folders (with their child, item, unread and size counts) and items
// (messages, events, contacts: one table told apart by item class).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MailFoldersTable, MailItemsTable, UsersTable } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MailboxRef { tenantId: string; userId: string }
export interface FolderRow extends MailFoldersTable { child_count: number; total_count: number; unread_count: number; size_bytes: number }

/** Which folders a folder list holds: the mailbox's top level (less some well-known ones) or one folder's children. */
export interface FolderScope {
  parentId: string | null;
  /** Well-known names left out at the top level (they are not mail folders). */
  notMail: readonly string[];
  /** Well-known names left out unless hidden folders are asked for. */
  hidden: readonly string[];
  includeHidden: boolean;
}

function foldersQuery(db: Db, box: MailboxRef) {
  const items = (eb: any) => eb.selectFrom('mail_items as i').whereRef('i.tenant_id', '=', 'f.tenant_id').whereRef('i.user_id', '=', 'f.user_id').whereRef('i.folder_id', '=', 'f.id');
  return db.selectFrom('mail_folders as f').selectAll('f')
    .select((eb) => [
      eb.selectFrom('mail_folders as c').select(eb.fn.countAll().as('n'))
        .whereRef('c.tenant_id', '=', 'f.tenant_id').whereRef('c.user_id', '=', 'f.user_id').whereRef('c.parent_folder_id', '=', 'f.id').as('child_count'),
      items(eb).select(eb.fn.countAll().as('n')).as('total_count'),
      items(eb).select(eb.fn.countAll().as('n')).where('i.is_read', '=', 0).as('unread_count'),
      items(eb).select(sql`coalesce(sum(i.size_bytes), 0)`.as('n')).as('size_bytes'),
    ])
    .where('f.tenant_id', '=', box.tenantId).where('f.user_id', '=', box.userId);
}

/** An item with the structured content written through Graph (content_docs, by its content_hash), if any. */
export interface MailItemRow extends MailItemsTable { doc?: string | null }
const withDoc = <Q extends { select: (...a: any[]) => any }>(q: Q): Q =>
  q.select((eb: any) => eb.selectFrom('content_docs as cd').select('cd.doc').whereRef('cd.sha256', '=', 'mail_items.content_hash').as('doc'));

/** Items of one class (`IPM.Note` and its subclasses `IPM.Note.*`). */
const ofClass = (itemClass: string) => (eb: any) => eb.or([eb('item_class', '=', itemClass), eb('item_class', 'like', `${itemClass}.%`)]);

export const mailRepo = {
  folders(db: Db, box: MailboxRef, scope: FolderScope): ListSource<FolderRow> {
    const where = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
      let out = scope.parentId === null
        ? q.where('f.parent_folder_id', 'is', null).where('f.is_recoverable', '=', 0)
          .where((eb: any) => eb.or([eb('f.well_known_name', 'is', null), eb('f.well_known_name', 'not in', [...scope.notMail])]))
        : q.where('f.parent_folder_id', '=', scope.parentId);
      if (!scope.includeHidden) out = out.where((eb: any) => eb.or([eb('f.well_known_name', 'is', null), eb('f.well_known_name', 'not in', [...scope.hidden])]));
      return out;
    };
    return listSource(
      () => where(foldersQuery(db, box) as any) as never,
      () => where(db.selectFrom('mail_folders as f').where('f.tenant_id', '=', box.tenantId).where('f.user_id', '=', box.userId) as any) as never,
    );
  },

  /** A folder by id or by well-known name (inbox, sentitems, recoverableitemsdeletions…). */
  async folder(db: Db, box: MailboxRef, key: string): Promise<FolderRow | undefined> {
    return (await foldersQuery(db, box).where((eb) => eb.or([eb('f.id', '=', key), eb('f.well_known_name', '=', key.toLowerCase())])).executeTakeFirst()) as FolderRow | undefined;
  },

  /** Items of a class in one folder, or (folderId null) in every folder except Recoverable Items. */
  items(db: Db, box: MailboxRef, itemClass: string, folderId: string | null): ListSource<MailItemRow> {
    const where = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
      const out = q.where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where(ofClass(itemClass));
      return folderId !== null
        ? out.where('folder_id', '=', folderId)
        : out.where('folder_id', 'not in', (eb: any) => eb.selectFrom('mail_folders').select('id')
          .where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('is_recoverable', '=', 1));
    };
    return listSource(() => where(withDoc(db.selectFrom('mail_items').selectAll()) as any) as never, () => where(db.selectFrom('mail_items') as any) as never);
  },

  /** Every folder of the mailbox, as stored. */
  folderRows(db: Db, box: MailboxRef): Promise<MailFoldersTable[]> {
    return db.selectFrom('mail_folders').selectAll().where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).execute();
  },

  async itemCount(db: Db, box: MailboxRef): Promise<number> {
    const r = await db.selectFrom('mail_items').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  async itemExists(db: Db, box: MailboxRef, id: string): Promise<boolean> {
    return !!(await db.selectFrom('mail_items').select('id').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).executeTakeFirst());
  },

  /** Delivers an item: the item and the mailbox size move together (Recoverable Items count towards the dumpster). */
  async deliver(db: Kysely<Database>, item: MailItemsTable, recoverable: boolean, nowIso: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('mail_items').values(item).execute();
      const col = recoverable ? 'recoverable_items_size_bytes' : 'mailbox_size_bytes';
      await trx.updateTable('recipients').set((eb) => ({ [col]: eb(eb.ref(col), '+', item.size_bytes), updated_at: nowIso }))
        .where('tenant_id', '=', item.tenant_id).where('id', '=', item.user_id).execute();
    });
  },

  async item(db: Db, box: MailboxRef, itemClass: string, id: string, folderId?: string): Promise<MailItemRow | undefined> {
    let q = withDoc(db.selectFrom('mail_items').selectAll()).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).where(ofClass(itemClass));
    if (folderId !== undefined) q = q.where('folder_id', '=', folderId);
    return q.executeTakeFirst();
  },

  /** Changes an item (the admin API's edit); its last-modified time moves. False when no such item. */
  async updateItem(db: Db, box: MailboxRef, id: string, patch: { subject?: string; isRead?: boolean; bodyPreview?: string }, nowIso: string): Promise<MailItemsTable | undefined> {
    const res = await db.updateTable('mail_items').set({
      ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
      ...(patch.isRead !== undefined ? { is_read: patch.isRead ? 1 : 0 } : {}),
      ...(patch.bodyPreview !== undefined ? { body_preview: patch.bodyPreview } : {}),
      last_modified_at: nowIso,
    }).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return db.selectFrom('mail_items').selectAll().where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).executeTakeFirst();
  },

  /** Hard-deletes an item and takes its size off the mailbox (or dumpster) size. False when no such item. */
  async deleteItem(root: Kysely<Database>, box: MailboxRef, id: string, nowIso: string): Promise<boolean> {
    return root.transaction().execute(async (db) => {
    const item = await db.selectFrom('mail_items as i').innerJoin('mail_folders as f', (j) => j.onRef('f.tenant_id', '=', 'i.tenant_id').onRef('f.user_id', '=', 'i.user_id').onRef('f.id', '=', 'i.folder_id'))
      .select(['i.size_bytes', 'f.is_recoverable']).where('i.tenant_id', '=', box.tenantId).where('i.user_id', '=', box.userId).where('i.id', '=', id).executeTakeFirst();
    if (!item) return false;
    await db.deleteFrom('mail_items').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).execute();
    const col = item.is_recoverable ? 'recoverable_items_size_bytes' : 'mailbox_size_bytes';
    await db.updateTable('recipients').set((eb) => ({ [col]: eb(eb.ref(col), '-', Number(item.size_bytes)), updated_at: nowIso }))
      .where('tenant_id', '=', box.tenantId).where('id', '=', box.userId).execute();
    return true;
    });
  },

  // ---- writes through Graph (graph/directory/mailWrites.ts); the change-log triggers record each one ----

  /** Adds an item and grows the mailbox size with it. */
  async insertItem(db: Db, item: MailItemsTable, nowIso: string): Promise<void> {
    await db.insertInto('mail_items').values(item).execute();
    await db.updateTable('recipients').set((eb) => ({ mailbox_size_bytes: eb('mailbox_size_bytes', '+', item.size_bytes), updated_at: nowIso }))
      .where('tenant_id', '=', item.tenant_id).where('id', '=', item.user_id).execute();
  },

  /** Rewrites an item's content columns (a PATCH); the mailbox size follows the new size. */
  async rewriteItem(db: Db, box: MailboxRef, id: string, set: Partial<Pick<MailItemsTable, 'folder_id' | 'subject' | 'from_address' | 'received_at' | 'size_bytes' | 'body_preview' | 'content_hash' | 'is_read' | 'item_class'>>, nowIso: string): Promise<void> {
    const cur = await db.selectFrom('mail_items').select('size_bytes').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).executeTakeFirst();
    if (!cur) return;
    await db.updateTable('mail_items').set({ ...set, last_modified_at: nowIso }).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).execute();
    if (set.size_bytes !== undefined && set.size_bytes !== Number(cur.size_bytes)) {
      const delta = set.size_bytes - Number(cur.size_bytes);
      await db.updateTable('recipients').set((eb) => ({ mailbox_size_bytes: eb('mailbox_size_bytes', '+', delta), updated_at: nowIso }))
        .where('tenant_id', '=', box.tenantId).where('id', '=', box.userId).execute();
    }
  },

  async insertFolder(db: Db, row: MailFoldersTable): Promise<void> {
    await db.insertInto('mail_folders').values(row).execute();
  },

  async renameFolder(db: Db, box: MailboxRef, id: string, displayName: string): Promise<void> {
    await db.updateTable('mail_folders').set({ display_name: displayName }).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).execute();
  },

  /** Deletes a folder with its subfolders and their items. */
  async deleteFolderTree(db: Db, box: MailboxRef, id: string): Promise<void> {
    const all = await db.selectFrom('mail_folders').select(['id', 'parent_folder_id']).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).execute();
    const doomed = new Set([id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const f of all) if (f.parent_folder_id && doomed.has(f.parent_folder_id) && !doomed.has(f.id)) { doomed.add(f.id); grew = true; }
    }
    const ids = [...doomed];
    const size = await db.selectFrom('mail_items').select(sql<number>`coalesce(sum(size_bytes), 0)`.as('n')).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('folder_id', 'in', ids).executeTakeFirst();
    await db.deleteFrom('mail_items').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('folder_id', 'in', ids).execute();
    await db.deleteFrom('mail_folders').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', 'in', ids).execute();
    await db.updateTable('recipients').set((eb) => ({ mailbox_size_bytes: eb('mailbox_size_bytes', '-', Number(size?.n ?? 0)) }))
      .where('tenant_id', '=', box.tenantId).where('id', '=', box.userId).execute();
  },

  /** The user whose mailbox (UserMailbox) has this primary SMTP address or UPN, in one tenant. */
  async mailboxByAddress(db: Db, tenantId: string, address: string): Promise<UsersTable | undefined> {
    return db.selectFrom('users as u').innerJoin('recipients as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.id'))
      .selectAll('u').where('u.tenant_id', '=', tenantId).where('r.recipient_type', '=', 'UserMailbox')
      .where((eb) => eb.or([eb(sql`lower(r.primary_smtp_address)`, '=', address.toLowerCase()), eb('u.upn_key', '=', address.toLowerCase())]))
      .executeTakeFirst();
  },

  /** Items of a mailbox by id (a delta page's changed items), with their documents. */
  async itemsByIds(db: Db, box: MailboxRef, ids: readonly string[]): Promise<MailItemRow[]> {
    if (!ids.length) return [];
    return (await withDoc(db.selectFrom('mail_items').selectAll()).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', 'in', [...ids]).execute()) as MailItemRow[];
  },

  /** A delta's first pass: items of a class (in one folder, or all but Recoverable Items) in id order after `afterId`. */
  async itemPage(db: Db, box: MailboxRef, itemClass: string, folderId: string | null, afterId: string, limit: number): Promise<MailItemRow[]> {
    let q = withDoc(db.selectFrom('mail_items').selectAll()).where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where(ofClass(itemClass)).where('id', '>', afterId);
    q = folderId !== null ? q.where('folder_id', '=', folderId)
      : q.where('folder_id', 'not in', (eb: any) => eb.selectFrom('mail_folders').select('id').where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('is_recoverable', '=', 1));
    return (await q.orderBy('id').limit(limit).execute()) as MailItemRow[];
  },
};
