// Set-based SQL of the Exchange mover: folders and items are copied with INSERT…SELECT, their ids
// rewritten in SQL, keyed by source item through migration_item_map so a chunk that already landed
// copies nothing twice. Outbox and the Teams chat folder never move (migration-domain.md rule 25).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MailMoveKey {
  jobId: string;
  userId: string; // target user (migration_tasks.id)
  sourceTenantId: string;
  sourceUserId: string;
  targetTenantId: string;
}

const WORKLOAD = 'Exchange';
/** Folders that are not migrated. */
export const EXCLUDED_FOLDERS = ['outbox', 'teamchat'];
/** Target ids are source ids rewritten under the target mailbox's prefix (Exchange ids are mailbox-scoped). */
const rewrite = (col: string) => sql<string>`${sql.lit('AAMk')} || ${sql.ref(col)}`;

function sourceItems(db: Db, k: MailMoveKey) {
  return db.selectFrom('mail_items as i')
    .innerJoin('mail_folders as f', (j) => j.onRef('f.tenant_id', '=', 'i.tenant_id').onRef('f.user_id', '=', 'i.user_id').onRef('f.id', '=', 'i.folder_id'))
    .where('i.tenant_id', '=', k.sourceTenantId).where('i.user_id', '=', k.sourceUserId)
    .where((eb) => eb.or([eb('f.well_known_name', 'is', null), eb('f.well_known_name', 'not in', EXCLUDED_FOLDERS)]));
}

/** `NOT EXISTS (map row for this source id)`, correlated to the outer query's `outer` column. */
function notMapped(k: MailMoveKey, kind: 'folder' | 'item', outer: string) {
  return (eb: any) => eb.not(eb.exists(eb.selectFrom('migration_item_map as m').select('m.source_id')
    .where('m.job_id', '=', k.jobId).where('m.user_id', '=', k.userId).where('m.workload', '=', WORKLOAD).where('m.kind', '=', kind)
    .whereRef('m.source_id', '=', outer)));
}

function mapped(db: Db, k: MailMoveKey, kind: 'folder' | 'item' | 'mailbox') {
  return db.selectFrom('migration_item_map as m').where('m.job_id', '=', k.jobId).where('m.user_id', '=', k.userId).where('m.workload', '=', WORKLOAD).where('m.kind', '=', kind);
}

export const mailMoveRepo = {
  async totals(db: Db, k: MailMoveKey): Promise<{ items: number; bytes: number }> {
    const r = await sourceItems(db, k).select((eb) => [eb.fn.countAll().as('n'), sql<number>`coalesce(sum(i.size_bytes), 0)`.as('b')]).executeTakeFirstOrThrow();
    return { items: Number(r.n), bytes: Number(r.b) };
  },

  /**
   * The change-log position up to which the source mailbox was last compared in full with what moved: an
   * id-map row of its own (kind `mailbox`), committed with the pass that made the comparison.
   */
  async comparedUpTo(db: Db, k: MailMoveKey): Promise<number | undefined> {
    const r = await mapped(db, k, 'mailbox').select('m.source_version').where('m.source_id', '=', k.sourceUserId).executeTakeFirst();
    return r?.source_version == null ? undefined : Number(r.source_version);
  },

  /** Records `seq` as comparedUpTo; `keepOlder`: only where none is recorded (a first chunk must not hide earlier changes). */
  async setComparedUpTo(trx: Db, k: MailMoveKey, seq: number, keepOlder: boolean): Promise<void> {
    await trx.insertInto('migration_item_map')
      .values({ job_id: k.jobId, user_id: k.userId, workload: WORKLOAD, kind: 'mailbox', source_id: k.sourceUserId, target_id: k.userId, source_version: String(seq) })
      .onConflict((oc) => (keepOlder ? oc.doNothing() : oc.columns(['job_id', 'user_id', 'workload', 'kind', 'source_id']).doUpdateSet({ source_version: String(seq) })))
      .execute();
  },

  /** Copies folders not copied yet (all of a mailbox's folders are few: one statement pair per pass). */
  async copyFolders(trx: Db, k: MailMoveKey): Promise<number> {
    await trx.insertInto('migration_item_map').columns(['job_id', 'user_id', 'workload', 'kind', 'source_id', 'target_id', 'source_version'])
      .expression(trx.selectFrom('mail_folders as f')
        .select([sql.val(k.jobId).as('job_id'), sql.val(k.userId).as('user_id'), sql.val(WORKLOAD).as('workload'), sql.val('folder').as('kind'), 'f.id', rewrite('f.id').as('target_id'), sql<string>`null`.as('source_version')])
        .where('f.tenant_id', '=', k.sourceTenantId).where('f.user_id', '=', k.sourceUserId)
        .where((eb) => eb.or([eb('f.well_known_name', 'is', null), eb('f.well_known_name', 'not in', EXCLUDED_FOLDERS)]))
        .where(notMapped(k, 'folder', 'f.id')))
      .execute();
    const res = await trx.insertInto('mail_folders').columns(['tenant_id', 'user_id', 'id', 'parent_folder_id', 'display_name', 'well_known_name', 'is_recoverable'])
      .expression(trx.selectFrom('mail_folders as f')
        .innerJoin('migration_item_map as m', (j) => j.on('m.job_id', '=', k.jobId).on('m.user_id', '=', k.userId).on('m.workload', '=', WORKLOAD).on('m.kind', '=', 'folder').onRef('m.source_id', '=', 'f.id'))
        .leftJoin('migration_item_map as p', (j) => j.on('p.job_id', '=', k.jobId).on('p.user_id', '=', k.userId).on('p.workload', '=', WORKLOAD).on('p.kind', '=', 'folder').onRef('p.source_id', '=', 'f.parent_folder_id'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), sql.val(k.userId).as('user_id'), 'm.target_id', 'p.target_id as parent', 'f.display_name', 'f.well_known_name', 'f.is_recoverable'])
        .where('f.tenant_id', '=', k.sourceTenantId).where('f.user_id', '=', k.sourceUserId))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0);
  },

  /** The last source item id of the next chunk after `cursor` (undefined: the rest fits in one chunk). */
  async chunkEnd(db: Db, k: MailMoveKey, cursor: string | null, limit: number): Promise<string | undefined> {
    let q = sourceItems(db, k).select('i.id');
    if (cursor !== null) q = q.where('i.id', '>', cursor);
    const r = await q.orderBy('i.id').limit(1).offset(limit - 1).executeTakeFirst();
    return r?.id;
  },

  /** Items in (cursor, end] too large to move: never copied, reported as skipped. */
  async oversized(db: Db, k: MailMoveKey, cursor: string | null, end: string | undefined, maxItemBytes: number) {
    let q = sourceItems(db, k).select(['i.id', 'i.size_bytes'])
      .where(notMapped(k, 'item', 'i.id'));
    if (cursor !== null) q = q.where('i.id', '>', cursor);
    if (end !== undefined) q = q.where('i.id', '<=', end);
    const rows = await q.where('i.size_bytes', '>', maxItemBytes).execute();
    return rows.map((r) => ({ id: r.id, sizeBytes: Number(r.size_bytes) }));
  },

  /** Copies the items in (cursor, end] not copied yet: id map first, then the rows joined to it. Answers what was copied. */
  async copyItems(trx: Db, k: MailMoveKey, cursor: string | null, end: string | undefined, maxItemBytes: number, exclude: readonly string[] = []): Promise<{ items: number; bytes: number }> {
    const range = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q => {
      let out = q;
      if (exclude.length > 0) out = out.where('i.id', 'not in', [...exclude]);
      if (cursor !== null) out = out.where('i.id', '>', cursor);
      if (end !== undefined) out = out.where('i.id', '<=', end);
      return out;
    };
    await trx.insertInto('migration_item_map').columns(['job_id', 'user_id', 'workload', 'kind', 'source_id', 'target_id', 'source_version'])
      .expression(range(sourceItems(trx, k)
        .select([sql.val(k.jobId).as('job_id'), sql.val(k.userId).as('user_id'), sql.val(WORKLOAD).as('workload'), sql.val('item').as('kind'), 'i.id', rewrite('i.id').as('target_id'), 'i.last_modified_at'])
        .where('i.size_bytes', '<=', maxItemBytes)))
      .onConflict((oc) => oc.doNothing())
      .execute();
    return this.insertMappedItems(trx, k, (q) => range(q));
  },

  /**
   * Inserts target rows for mapped source items that have no target row yet (restricted by `scope`); answers
   * the rows and bytes inserted, read back from the insert itself (progress counts what landed, with no
   * second scan of the chunk).
   */
  async insertMappedItems(trx: Db, k: MailMoveKey, scope: (q: any) => any): Promise<{ items: number; bytes: number }> {
    const res = await trx.insertInto('mail_items').columns(['tenant_id', 'user_id', 'id', 'folder_id', 'item_class', 'subject', 'from_address', 'received_at', 'size_bytes', 'body_preview', 'content_hash', 'is_read', 'last_modified_at'])
      .expression(scope(trx.selectFrom('mail_items as i')
        .innerJoin('migration_item_map as m', (j) => j.on('m.job_id', '=', k.jobId).on('m.user_id', '=', k.userId).on('m.workload', '=', WORKLOAD).on('m.kind', '=', 'item').onRef('m.source_id', '=', 'i.id'))
        .innerJoin('migration_item_map as fm', (j) => j.on('fm.job_id', '=', k.jobId).on('fm.user_id', '=', k.userId).on('fm.workload', '=', WORKLOAD).on('fm.kind', '=', 'folder').onRef('fm.source_id', '=', 'i.folder_id'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), sql.val(k.userId).as('user_id'), 'm.target_id', 'fm.target_id as folder', 'i.item_class', 'i.subject', 'i.from_address', 'i.received_at', 'i.size_bytes', 'i.body_preview', 'i.content_hash', 'i.is_read', 'i.last_modified_at'])
        .where('i.tenant_id', '=', k.sourceTenantId).where('i.user_id', '=', k.sourceUserId)))
      .onConflict((oc: any) => oc.doNothing())
      .returning('size_bytes')
      .execute();
    let bytes = 0;
    for (const r of res) bytes += Number(r.size_bytes);
    return { items: res.length, bytes };
  },

  /**
   * An incremental pass: source items changed since their copy are re-copied, items deleted in the
   * source are deleted in the target. (New items are copied by copyItems with no cursor.)
   */
  async applyChangesAndDeletes(trx: Db, k: MailMoveKey): Promise<{ changed: number; deleted: number }> {
    const changedIds = mapped(trx, k, 'item').innerJoin('mail_items as s', (j) => j.on('s.tenant_id', '=', k.sourceTenantId).on('s.user_id', '=', k.sourceUserId).onRef('s.id', '=', 'm.source_id'))
      // source_version is text (any workload's version token); compare as text so PostgreSQL's timestamptz fits.
      .where(sql<string>`cast(${sql.ref('s.last_modified_at')} as text)`, '<>', sql.ref<string>('m.source_version'));
    const changed = await changedIds.select(['m.source_id', 'm.target_id']).execute();
    if (changed.length > 0) {
      const targets = changed.map((c) => c.target_id);
      const sources = changed.map((c) => c.source_id);
      for (let i = 0; i < targets.length; i += 500) {
        await trx.deleteFrom('mail_items').where('tenant_id', '=', k.targetTenantId).where('user_id', '=', k.userId).where('id', 'in', targets.slice(i, i + 500)).execute();
      }
      for (let i = 0; i < sources.length; i += 500) {
        const slice = sources.slice(i, i + 500);
        await this.insertMappedItems(trx, k, (q) => q.where('i.id', 'in', slice));
        await trx.updateTable('migration_item_map').set((eb) => ({
          source_version: eb.selectFrom('mail_items as s').select('s.last_modified_at').where('s.tenant_id', '=', k.sourceTenantId).where('s.user_id', '=', k.sourceUserId).whereRef('s.id', '=', 'migration_item_map.source_id'),
        })).where('job_id', '=', k.jobId).where('user_id', '=', k.userId).where('workload', '=', WORKLOAD).where('kind', '=', 'item').where('source_id', 'in', slice).execute();
      }
    }
    // Deleted in the source: the map rows whose source item is gone are read first, then their target rows and
    // map rows are deleted by key. One DELETE … WHERE id IN (map rows NOT EXISTS in the source) let PostgreSQL
    // join the user's target rows to the whole anti-join per row (3–5 s a user on a freshly filled table).
    const gone = await mapped(trx, k, 'item').select(['m.source_id', 'm.target_id'])
      .where((eb) => eb.not(eb.exists(eb.selectFrom('mail_items as s').select('s.id').where('s.tenant_id', '=', k.sourceTenantId).where('s.user_id', '=', k.sourceUserId).whereRef('s.id', '=', 'm.source_id'))))
      .execute();
    let deleted = 0;
    for (let i = 0; i < gone.length; i += 500) {
      const slice = gone.slice(i, i + 500);
      const del = await trx.deleteFrom('mail_items').where('tenant_id', '=', k.targetTenantId).where('user_id', '=', k.userId).where('id', 'in', slice.map((g) => g.target_id)).executeTakeFirst();
      deleted += Number(del.numDeletedRows ?? 0);
      await trx.deleteFrom('migration_item_map').where('job_id', '=', k.jobId).where('user_id', '=', k.userId).where('workload', '=', WORKLOAD).where('kind', '=', 'item')
        .where('source_id', 'in', slice.map((g) => g.source_id)).execute();
    }
    return { changed: changed.length, deleted };
  },

  /** The first `n` source items in copy order (fault rehearsal: the items a move skips). */
  async firstItemIds(db: Db, k: MailMoveKey, n: number): Promise<string[]> {
    if (n <= 0) return [];
    return (await sourceItems(db, k).select('i.id').orderBy('i.id').limit(n).execute()).map((r) => r.id);
  },

  async counts(db: Db, k: MailMoveKey): Promise<{ source: number; target: number }> {
    const s = await sourceItems(db, k).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const t = await db.selectFrom('mail_items as t').select((eb) => eb.fn.countAll().as('n')).where('t.tenant_id', '=', k.targetTenantId).where('t.user_id', '=', k.userId)
      .where('t.id', 'in', mapped(db, k, 'item').select('m.target_id')).executeTakeFirstOrThrow();
    return { source: Number(s.n), target: Number(t.n) };
  },

  /** Removes everything this move copied into the target, then its id map. */
  async rollback(trx: Db, k: MailMoveKey): Promise<void> {
    await trx.deleteFrom('mail_items').where('tenant_id', '=', k.targetTenantId).where('user_id', '=', k.userId).where('id', 'in', mapped(trx, k, 'item').select('m.target_id')).execute();
    await trx.deleteFrom('mail_folders').where('tenant_id', '=', k.targetTenantId).where('user_id', '=', k.userId).where('id', 'in', mapped(trx, k, 'folder').select('m.target_id')).execute();
    await trx.deleteFrom('migration_item_map').where('job_id', '=', k.jobId).where('user_id', '=', k.userId).where('workload', '=', WORKLOAD).execute();
  },

  /**
   * Cutover (rule 23), in the caller's transaction: the target MailUser becomes a mailbox holding the
   * moved content; the source mailbox is deleted and the source object becomes a MailUser whose
   * ExternalEmailAddress is the target's proxy address in the target delivery domain.
   */
  async convertRecipients(trx: Db, k: MailMoveKey, targetAddress: string, nowIso: string): Promise<void> {
    const size = await trx.selectFrom('mail_items as t').innerJoin('mail_folders as f', (j) => j.onRef('f.tenant_id', '=', 't.tenant_id').onRef('f.user_id', '=', 't.user_id').onRef('f.id', '=', 't.folder_id'))
      .select([sql<number>`coalesce(sum(case when f.is_recoverable = 1 then 0 else t.size_bytes end), 0)`.as('main'), sql<number>`coalesce(sum(case when f.is_recoverable = 1 then t.size_bytes else 0 end), 0)`.as('dumpster')])
      .where('t.tenant_id', '=', k.targetTenantId).where('t.user_id', '=', k.userId).executeTakeFirstOrThrow();
    await trx.updateTable('recipients').set({
      recipient_type: 'UserMailbox', recipient_type_details: 'UserMailbox', previous_recipient_type_details: 'MailUser', external_email_address: null,
      mailbox_size_bytes: Number(size.main), recoverable_items_size_bytes: Number(size.dumpster), mailbox_move_remote_host_name: null, updated_at: nowIso,
    }).where('tenant_id', '=', k.targetTenantId).where('id', '=', k.userId).execute();
    await trx.updateTable('recipients').set({
      recipient_type: 'MailUser', recipient_type_details: 'MailUser', previous_recipient_type_details: 'UserMailbox', external_email_address: `SMTP:${targetAddress}`,
      mailbox_size_bytes: 0, recoverable_items_size_bytes: 0, archive_guid: null, aux_archive_count: 0, updated_at: nowIso,
    }).where('tenant_id', '=', k.sourceTenantId).where('id', '=', k.sourceUserId).execute();
    await trx.deleteFrom('mail_items').where('tenant_id', '=', k.sourceTenantId).where('user_id', '=', k.sourceUserId).execute();
    await trx.deleteFrom('mail_folders').where('tenant_id', '=', k.sourceTenantId).where('user_id', '=', k.sourceUserId).execute();
  },

  async recipientAddresses(db: Db, tenantId: string, id: string): Promise<{ recipientType: string; primary: string; addresses: string[] } | undefined> {
    const r = await db.selectFrom('recipients').select(['recipient_type', 'primary_smtp_address', 'email_addresses']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return r && { recipientType: r.recipient_type, primary: r.primary_smtp_address, addresses: JSON.parse(r.email_addresses) as string[] };
  },
};
