// Repository of mailbox content: folders (with their child, item, unread and size counts) and items
// (messages, events, contacts: one table told apart by item class).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MailFoldersTable, MailItemsTable } from './schema.js';
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
  items(db: Db, box: MailboxRef, itemClass: string, folderId: string | null): ListSource<MailItemsTable> {
    const where = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
      const out = q.where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where(ofClass(itemClass));
      return folderId !== null
        ? out.where('folder_id', '=', folderId)
        : out.where('folder_id', 'not in', (eb: any) => eb.selectFrom('mail_folders').select('id')
          .where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('is_recoverable', '=', 1));
    };
    return listSource(() => where(db.selectFrom('mail_items').selectAll() as any) as never, () => where(db.selectFrom('mail_items') as any) as never);
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

  async item(db: Db, box: MailboxRef, itemClass: string, id: string, folderId?: string): Promise<MailItemsTable | undefined> {
    let q = db.selectFrom('mail_items').selectAll().where('tenant_id', '=', box.tenantId).where('user_id', '=', box.userId).where('id', '=', id).where(ofClass(itemClass));
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
};
