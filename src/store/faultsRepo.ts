// Migration faults (0005_faults): the engine's reads, the atomic transient-error countdown, and the
// source-tenant changes mid-move faults make. Each mid-move change commits with its fired_at mark, so
// it happens exactly once however often the engine asks.
import type { Kysely, Transaction } from 'kysely';
import { parseJson } from './json.js';
import { prepared } from './prepared.js';
import type { Database as Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface FaultKey { tenantId: string; userId: string; workload: string; kind: string }

export interface FaultRow {
  tenantId: string;
  userId: string;
  userPrincipalName: string | null;
  workload: string;
  kind: string;
  params: Record<string, unknown>;
  remaining: number | null;
  firedAt: string | null;
}

const byKey = (db: Db, k: FaultKey) => db.updateTable('migration_faults')
  .where('tenant_id', '=', k.tenantId).where('user_id', '=', k.userId).where('workload', '=', k.workload).where('kind', '=', k.kind);

const faultsQuery = (db: Db) => db.selectFrom('migration_faults as f')
  .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'f.tenant_id').onRef('u.id', '=', 'f.user_id'))
  .select(['f.tenant_id', 'f.user_id', 'u.user_principal_name', 'f.workload', 'f.kind', 'f.params', 'f.remaining', 'f.fired_at']);
// One user's faults of one workload: what the engine asks before every chunk and pass of a move.
const ofMove = prepared((db: Kysely<Schema>, tenantId: string, userId: string, workload: string) =>
  faultsQuery(db).where('f.tenant_id', '=', tenantId).where('f.user_id', '=', userId).where('f.workload', '=', workload).orderBy('f.kind'), ['', '', ''] as [string, string, string]);

export async function listFaults(db: Db, q: { tenantId: string; userId?: string; workload?: string }): Promise<FaultRow[]> {
  let rows;
  if (q.userId !== undefined && q.workload !== undefined) rows = await ofMove.all(db, q.tenantId, q.userId, q.workload);
  else {
    let query = faultsQuery(db).where('f.tenant_id', '=', q.tenantId);
    if (q.userId !== undefined) query = query.where('f.user_id', '=', q.userId);
    if (q.workload !== undefined) query = query.where('f.workload', '=', q.workload);
    rows = await query.orderBy('f.user_id').orderBy('f.workload').orderBy('f.kind').execute();
  }
  return rows.map((r) => ({
    tenantId: r.tenant_id, userId: r.user_id, userPrincipalName: r.user_principal_name ?? null, workload: r.workload, kind: r.kind,
    params: parseJson<Record<string, unknown>>(r.params, {}), remaining: r.remaining === null ? null : Number(r.remaining), firedAt: r.fired_at,
  }));
}

/**
 * Takes one transient failure for `attemptKey`, atomically (one UPDATE; it cannot go below zero).
 * Asking again with the same key (the same attempt re-run after a crash) takes nothing more and
 * answers the same: fail. Returns whether this attempt must fail and what is left.
 */
export async function takeTransient(db: Db, k: FaultKey, attemptKey: string, now: string): Promise<{ fail: boolean; remaining: number } | null> {
  const r = await byKey(db, k).set((eb) => ({ remaining: eb('remaining', '-', 1), last_attempt_key: attemptKey, updated_at: now }))
    .where('remaining', '>', 0)
    .where((eb) => eb.or([eb('last_attempt_key', 'is', null), eb('last_attempt_key', '<>', attemptKey)]))
    .executeTakeFirst();
  const row = await db.selectFrom('migration_faults').select(['remaining', 'last_attempt_key'])
    .where('tenant_id', '=', k.tenantId).where('user_id', '=', k.userId).where('workload', '=', k.workload).where('kind', '=', k.kind)
    .executeTakeFirst();
  if (!row) return null;
  const took = Number(r.numUpdatedRows) > 0;
  return { fail: took || row.last_attempt_key === attemptKey, remaining: Number(row.remaining ?? 0) };
}

/** Marks a mid-move fault fired; false when it already was (then its change was made before). */
export async function markFired(trx: Transaction<Schema>, k: FaultKey, now: string): Promise<boolean> {
  const r = await byKey(trx, k).set({ fired_at: now, updated_at: now }).where('fired_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteFaults(db: Db, q: { tenantId: string; userId?: string }): Promise<number> {
  let query = db.deleteFrom('migration_faults').where('tenant_id', '=', q.tenantId);
  if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
  return Number((await query.executeTakeFirst()).numDeletedRows);
}

// ---- source-side changes made by mid-move faults ----------------------------------------------

export async function sourceRecipient(trx: Db, tenantId: string, userId: string) {
  return trx.selectFrom('recipients').select(['holds', 'aux_archive_count', 'archive_guid', 'primary_smtp_address'])
    .where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
}

export async function setRecipientHolds(trx: Db, tenantId: string, userId: string, holds: unknown, now: string): Promise<void> {
  await trx.updateTable('recipients').set({ holds: JSON.stringify(holds), updated_at: now }).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
}

/** Provisions one more auxiliary archive (Enable-Mailbox -AuxArchive) on the source mailbox. */
export async function addAuxArchive(trx: Db, tenantId: string, userId: string, now: string): Promise<void> {
  await trx.updateTable('recipients').set((eb) => ({ aux_archive_count: eb('aux_archive_count', '+', 1), updated_at: now }))
    .where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
}

export interface NewMailItem { id: string; subject: string; bodyPreview: string; sizeBytes: number }

/**
 * Source content changing between passes: inserts new Inbox items, edits the first `changed` and
 * deletes the last `deleted` of the mailbox's other items (by id, so the choice is repeatable).
 */
export async function changeSourceMail(trx: Db, tenantId: string, userId: string, change: { added: NewMailItem[]; changed: number; deleted: number }, now: string): Promise<{ added: number; changed: number; deleted: number }> {
  const inbox = await trx.selectFrom('mail_folders').select('id').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .where('well_known_name', '=', 'inbox').executeTakeFirst();
  const newIds = change.added.map((a) => a.id);
  const existing = (exclude: 'asc' | 'desc', n: number) => trx.selectFrom('mail_items').select('id').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    .$if(newIds.length > 0, (q) => q.where('id', 'not in', newIds)).orderBy('id', exclude).limit(n);
  const toEdit = change.changed > 0 ? (await existing('asc', change.changed).execute()).map((r) => r.id) : [];
  const toDelete = change.deleted > 0 ? (await existing('desc', change.deleted).execute()).map((r) => r.id).filter((id) => !toEdit.includes(id)) : [];
  if (toEdit.length) {
    await trx.updateTable('mail_items').set((eb) => ({ subject: eb('subject', '||', ' (edited)'), is_read: 1, last_modified_at: now }))
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', 'in', toEdit).execute();
  }
  if (toDelete.length) await trx.deleteFrom('mail_items').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('id', 'in', toDelete).execute();
  if (inbox && change.added.length) {
    await trx.insertInto('mail_items').values(change.added.map((a) => ({
      tenant_id: tenantId, user_id: userId, id: a.id, folder_id: inbox.id, item_class: 'IPM.Note', subject: a.subject, from_address: null, received_at: now,
      size_bytes: a.sizeBytes, body_preview: a.bodyPreview, content_hash: null, is_read: 0, last_modified_at: now,
    }))).execute();
  }
  return { added: inbox ? change.added.length : 0, changed: toEdit.length, deleted: toDelete.length };
}
