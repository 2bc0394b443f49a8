// Set-based SQL of the Teams chat and meeting movers (migration-domain.md §3). Threads and meetings are
// mapped source→target in migration_item_map with their ids rewritten in SQL; rows are copied with
// INSERT…SELECT joined to that map and to the CTIM identity mapping, each ON CONFLICT DO NOTHING on the
// target row's key, so a chunk whose commit already landed copies nothing twice.
import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { MailMoveKey } from './mailMoveRepo.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
export type MoveKey = MailMoveKey;
export type ThreadKind = 'thread' | 'swap';

/** Only user-to-user messages import; system event messages are known-unsupported content (skipped, not counted). */
const IMPORTED_TYPE = 'message';

const mapOf = (k: MoveKey, workload: string, kind: string) => (db: Db) => db.selectFrom('migration_item_map as mp')
  .where('mp.job_id', '=', k.jobId).where('mp.user_id', '=', k.userId).where('mp.workload', '=', workload).where('mp.kind', '=', kind);

const notMapped = (k: MoveKey, workload: string, kinds: string[], outer: string) => (eb: ExpressionBuilder<any, any>) =>
  eb.not(eb.exists(eb.selectFrom('migration_item_map as x').select('x.source_id').where('x.job_id', '=', k.jobId).where('x.user_id', '=', k.userId)
    .where('x.workload', '=', workload).where('x.kind', 'in', kinds).whereRef('x.source_id', '=', outer)));

/** The CTIM identity of a source user, when it names a target user. */
const identity = (k: MoveKey, alias: string, sourceCol: string) => (j: any) => j.on(`${alias}.target_tenant_id`, '=', k.targetTenantId)
  .on(`${alias}.source_tenant_id`, '=', k.sourceTenantId).onRef(`${alias}.source_user_id`, '=', sourceCol).on(`${alias}.target_user_id`, 'is not', null);

/** A source user id as the target sees it: the moving user is the task's user; others through CTIM, else unchanged (external). */
const asTarget = (k: MoveKey, col: string, im: string) => sql<string>`case when ${sql.ref(col)} = ${k.sourceUserId} then ${k.userId} else coalesce(${sql.ref(`${im}.target_user_id`)}, ${sql.ref(col)}) end`;

export const teamsMoveRepo = {
  /**
   * The user's chats in scope (ORCH-7): 1:1 and group chats the user is in, except the self chat and chats
   * started by someone who is not an enabled, licensed user of the source tenant (external or departed).
   * `thread`: a new target thread (1:1 chats, and group chats the user owns); `swap`: a group chat owned by
   * someone else, where the user is swapped in place.
   */
  scope(db: Db, k: MoveKey) {
    return db.selectFrom('chats as c')
      .innerJoin('chat_members as me', (j) => j.onRef('me.tenant_id', '=', 'c.tenant_id').onRef('me.chat_id', '=', 'c.id').on('me.user_id', '=', k.sourceUserId))
      .innerJoin('users as cr', (j) => j.onRef('cr.tenant_id', '=', 'c.tenant_id').onRef('cr.id', '=', 'c.created_by'))
      .where('c.tenant_id', '=', k.sourceTenantId).where('c.chat_type', 'in', ['oneOnOne', 'group'])
      .where('cr.account_enabled', '=', 1).where(sql<boolean>`${sql.ref('cr.licenses')} <> ${'[]'}`)
      .where((eb) => eb.exists(eb.selectFrom('chat_members as o').select('o.user_id').whereRef('o.tenant_id', '=', 'c.tenant_id').whereRef('o.chat_id', '=', 'c.id')
        .where('o.user_id', '<>', k.sourceUserId)))
      .select(['c.id', sql<ThreadKind>`case when c.chat_type = 'oneOnOne' or c.created_by = ${k.sourceUserId} then 'thread' else 'swap' end`.as('kind')]);
  },

  /** Messages to import and their bytes, in the scope's new threads (progress totals). */
  async totals(db: Db, k: MoveKey): Promise<{ items: number; bytes: number }> {
    const threads = this.scope(db, k);
    const r = await db.selectFrom('chat_messages as m').select((eb) => [eb.fn.countAll().as('n'), sql<number>`coalesce(sum(length(m.body)), 0)`.as('b')])
      .where('m.tenant_id', '=', k.sourceTenantId).where('m.message_type', '=', IMPORTED_TYPE)
      .where('m.chat_id', 'in', db.selectFrom(threads.as('s')).select('s.id').where('s.kind', '=', 'thread'))
      .executeTakeFirstOrThrow();
    return { items: Number(r.n), bytes: Number(r.b) };
  },

  /**
   * Maps the scope's threads not mapped yet (target id: the source thread id under the moving user's
   * tag, so two members moving the same 1:1 chat get two threads, as Teams does) and creates each new
   * target thread with its members mapped through CTIM. A user's chats are few: one statement each per chunk.
   */
  async mapThreads(trx: Db, k: MoveKey, tag: string): Promise<void> {
    await trx.insertInto('migration_item_map').columns(['job_id', 'user_id', 'workload', 'kind', 'source_id', 'target_id', 'source_version'])
      .expression(trx.selectFrom(this.scope(trx, k).as('s'))
        .select([sql.val(k.jobId).as('job_id'), sql.val(k.userId).as('user_id'), sql.val('Teams').as('workload'), 's.kind',
          's.id', sql<string>`case when s.kind = 'thread' then ${`19:${tag}_`} || substr(s.id, 4) else s.id end`.as('target_id'), sql<string>`null`.as('source_version')])
        .where(notMapped(k, 'Teams', ['thread', 'swap'], 's.id')))
      .execute();
    const threads = mapOf(k, 'Teams', 'thread');
    await trx.insertInto('chats').columns(['tenant_id', 'id', 'chat_type', 'topic', 'created_by', 'created_at', 'migrated_to'])
      .expression(threads(trx).innerJoin('chats as c', (j) => j.on('c.tenant_id', '=', k.sourceTenantId).onRef('c.id', '=', 'mp.source_id'))
        .leftJoin('identity_mappings as im', identity(k, 'im', 'c.created_by'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), 'mp.target_id', 'c.chat_type', 'c.topic', asTarget(k, 'c.created_by', 'im').as('created_by'), 'c.created_at', sql<string>`null`.as('migrated_to')]))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx.insertInto('chat_members').columns(['tenant_id', 'chat_id', 'user_id', 'roles'])
      .expression(threads(trx).innerJoin('chat_members as cm', (j) => j.on('cm.tenant_id', '=', k.sourceTenantId).onRef('cm.chat_id', '=', 'mp.source_id'))
        .where('cm.chat_id', 'in', threads(trx).select('mp.source_id'))
        .leftJoin('identity_mappings as im', identity(k, 'im', 'cm.user_id'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), 'mp.target_id', asTarget(k, 'cm.user_id', 'im').as('user_id'), 'cm.roles']))
      .onConflict((oc) => oc.doNothing())
      .execute();
  },

  /** Messages of the mapped new threads, in import order (thread id, message id). */
  messages(db: Db, k: MoveKey) {
    // The IN list steers SQLite's planner to probe messages by thread instead of scanning the tenant's.
    return mapOf(k, 'Teams', 'thread')(db).innerJoin('chat_messages as m', (j) => j.on('m.tenant_id', '=', k.sourceTenantId).onRef('m.chat_id', '=', 'mp.source_id'))
      .where('m.chat_id', 'in', mapOf(k, 'Teams', 'thread')(db).select('mp.source_id'))
      .where('m.message_type', '=', IMPORTED_TYPE);
  },

  /** The first `n` messages in import order: the ones a corrupt/oversized fault makes fail. */
  async firstMessages(db: Db, k: MoveKey, n: number): Promise<{ chatId: string; id: string }[]> {
    if (n <= 0) return [];
    const rows = await this.messages(db, k).select(['m.chat_id', 'm.id']).orderBy('m.chat_id').orderBy('m.id').limit(n).execute();
    return rows.map((r) => ({ chatId: r.chat_id, id: r.id }));
  },

  /** The last message of the next chunk after `cursor` (undefined: the rest fits in one chunk). */
  async chunkEnd(db: Db, k: MoveKey, cursor: MessageKey | null, limit: number): Promise<MessageKey | undefined> {
    const r = await after(this.messages(db, k), cursor).select(['m.chat_id', 'm.id']).orderBy('m.chat_id').orderBy('m.id').limit(1).offset(limit - 1).executeTakeFirst();
    return r && { chatId: r.chat_id, id: r.id };
  },

  /** Imports the messages in (cursor, end] except `failing`; senders mapped through CTIM. Returns rows and bytes inserted. */
  async copyMessages(trx: Db, k: MoveKey, cursor: MessageKey | null, end: MessageKey | undefined, failing: MessageKey[]): Promise<{ items: number; bytes: number }> {
    const range = (q: any) => upTo(after(q, cursor), end)
      .$if(failing.length > 0, (q2: any) => q2.where((eb: any) => eb.not(eb.or(failing.map((f) => eb.and([eb('m.chat_id', '=', f.chatId), eb('m.id', '=', f.id)]))))));
    // ON CONFLICT on the primary key instead of NOT EXISTS: no anti-join for the planner to get wrong
    // (PostgreSQL probed the target tenant's whole index per message when it thought the target empty),
    // and what was inserted is counted from RETURNING instead of a second pass over the range.
    const rows = await trx.insertInto('chat_messages').columns(['tenant_id', 'chat_id', 'id', 'from_user_id', 'body', 'message_type', 'created_at'])
      .expression(range(this.messages(trx, k).leftJoin('identity_mappings as im', identity(k, 'im', 'm.from_user_id'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), 'mp.target_id', 'm.id', asTarget(k, 'm.from_user_id', 'im').as('from_user_id'), 'm.body', 'm.message_type', 'm.created_at'])))
      .onConflict((oc) => oc.doNothing())
      .returning(sql<number>`length(body)`.as('b'))
      .execute();
    return { items: rows.length, bytes: rows.reduce((n, r) => n + Number(r.b), 0) };
  },

  /** Per new thread: messages attempted in the source and imported in the target. */
  async threadCounts(db: Db, k: MoveKey): Promise<{ sourceId: string; targetId: string; attempted: number; imported: number }[]> {
    const rows = await mapOf(k, 'Teams', 'thread')(db)
      .select((eb) => ['mp.source_id', 'mp.target_id',
        eb.selectFrom('chat_messages as m').select(eb.fn.countAll().as('n')).where('m.tenant_id', '=', k.sourceTenantId).whereRef('m.chat_id', '=', 'mp.source_id').where('m.message_type', '=', IMPORTED_TYPE).as('attempted'),
        eb.selectFrom('chat_messages as t').select(eb.fn.countAll().as('n')).where('t.tenant_id', '=', k.targetTenantId).whereRef('t.chat_id', '=', 'mp.target_id').as('imported')])
      .orderBy('mp.source_id').execute();
    return rows.map((r) => ({ sourceId: r.source_id, targetId: r.target_id, attempted: Number(r.attempted ?? 0), imported: Number(r.imported ?? 0) }));
  },

  /**
   * Source threads edited (ORCH-7), in the caller's transaction: in every mapped thread the user is swapped
   * for the target identity; threads that got a new target thread point to it. Idempotent.
   */
  async editSourceThreads(trx: Db, k: MoveKey): Promise<void> {
    const all = (db: Db) => db.selectFrom('migration_item_map as mp').select('mp.source_id').where('mp.job_id', '=', k.jobId).where('mp.user_id', '=', k.userId)
      .where('mp.workload', '=', 'Teams').where('mp.kind', 'in', ['thread', 'swap']);
    await trx.updateTable('chat_members').set({ user_id: k.userId }).where('tenant_id', '=', k.sourceTenantId).where('user_id', '=', k.sourceUserId)
      .where('chat_id', 'in', all(trx))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('chat_members as o').select('o.user_id').where('o.tenant_id', '=', k.sourceTenantId)
        .whereRef('o.chat_id', '=', 'chat_members.chat_id').where('o.user_id', '=', k.userId))))
      .execute();
    await trx.updateTable('chats').set((eb) => ({
      migrated_to: eb.selectFrom('migration_item_map as mp').select('mp.target_id').where('mp.job_id', '=', k.jobId).where('mp.user_id', '=', k.userId)
        .where('mp.workload', '=', 'Teams').where('mp.kind', '=', 'thread').whereRef('mp.source_id', '=', 'chats.id'),
    })).where('tenant_id', '=', k.sourceTenantId).where('id', 'in', mapOf(k, 'Teams', 'thread')(trx).select('mp.source_id')).execute();
  },

  /** Removes the new target threads (messages, members, chats) and the map (cancel before the source was edited). */
  async rollbackThreads(trx: Db, k: MoveKey): Promise<void> {
    const targets = (db: Db) => mapOf(k, 'Teams', 'thread')(db).select('mp.target_id');
    await trx.deleteFrom('chat_messages').where('tenant_id', '=', k.targetTenantId).where('chat_id', 'in', targets(trx)).execute();
    await trx.deleteFrom('chat_members').where('tenant_id', '=', k.targetTenantId).where('chat_id', 'in', targets(trx)).execute();
    await trx.deleteFrom('chats').where('tenant_id', '=', k.targetTenantId).where('id', 'in', targets(trx)).execute();
    await trx.deleteFrom('migration_item_map').where('job_id', '=', k.jobId).where('user_id', '=', k.userId).where('workload', '=', 'Teams').execute();
  },

  // ---- meetings ---------------------------------------------------------------------------------

  /** Meetings the user organizes, each with the reason it is not migrated (ORCH-7), or null. */
  async organizedMeetings(db: Db, k: MoveKey): Promise<{ id: string; exclusion: string | null; lastOccurrence: string }[]> {
    const rows = await db.selectFrom('meetings').select(['id', 'meeting_kind', 'attendee_count', 'is_cancelled', 'sensitivity', 'calendar', 'organized_by_resource', 'last_occurrence_at'])
      .where('tenant_id', '=', k.sourceTenantId).where('organizer_id', '=', k.sourceUserId).orderBy('id').execute();
    return rows.map((m) => ({ id: m.id, lastOccurrence: m.last_occurrence_at, exclusion: meetingExclusion(m) }));
  },

  /** Target meetings this move created. */
  async movedMeetings(db: Db, k: MoveKey): Promise<{ sourceId: string; targetId: string; attendees: string; present: boolean }[]> {
    const rows = await mapOf(k, 'Meeting', 'meeting')(db).leftJoin('meetings as t', (j) => j.on('t.tenant_id', '=', k.targetTenantId).onRef('t.id', '=', 'mp.target_id'))
      .select(['mp.source_id', 'mp.target_id', 't.attendees', 't.id as present']).orderBy('mp.source_id').execute();
    return rows.map((r) => ({ sourceId: r.source_id, targetId: r.target_id, attendees: r.attendees ?? '[]', present: r.present !== null }));
  },

  /**
   * Moves the given meetings to the target, organised by the target user: new id (the target user's id
   * prefix on the source id), a new join URL unless the last occurrence is older than `recentSince`.
   */
  /** Copies the meetings not copied yet; how many that was (a replayed chunk copies and counts none). */
  async copyMeetings(trx: Db, k: MoveKey, ids: string[], recentSince: string): Promise<number> {
    if (!ids.length) return 0;
    const mapped = await trx.insertInto('migration_item_map').columns(['job_id', 'user_id', 'workload', 'kind', 'source_id', 'target_id', 'source_version'])
      .expression(trx.selectFrom('meetings as m')
        .select([sql.val(k.jobId).as('job_id'), sql.val(k.userId).as('user_id'), sql.val('Meeting').as('workload'), sql.val('meeting').as('kind'), 'm.id',
          sql<string>`${k.userId.slice(0, 8)} || substr(m.id, 9)`.as('target_id'), sql<string>`null`.as('source_version')])
        .where('m.tenant_id', '=', k.sourceTenantId).where('m.organizer_id', '=', k.sourceUserId).where('m.id', 'in', ids)
        .where(notMapped(k, 'Meeting', ['meeting'], 'm.id')))
      .executeTakeFirst();
    await trx.insertInto('meetings').columns(['tenant_id', 'id', 'organizer_id', 'subject', 'start_at', 'end_at', 'last_occurrence_at', 'is_recurring', 'attendees',
      'attendee_count', 'meeting_kind', 'is_cancelled', 'sensitivity', 'calendar', 'organized_by_resource', 'join_url'])
      .expression(mapOf(k, 'Meeting', 'meeting')(trx).innerJoin('meetings as m', (j) => j.on('m.tenant_id', '=', k.sourceTenantId).onRef('m.id', '=', 'mp.source_id'))
        .select([sql.val(k.targetTenantId).as('tenant_id'), 'mp.target_id', sql.val(k.userId).as('organizer_id'), 'm.subject', 'm.start_at', 'm.end_at', 'm.last_occurrence_at',
          'm.is_recurring', 'm.attendees', 'm.attendee_count', 'm.meeting_kind', 'm.is_cancelled', 'm.sensitivity', 'm.calendar', 'm.organized_by_resource',
          sql<string>`case when m.last_occurrence_at >= ${recentSince} then ${'https://teams.microsoft.com/l/meetup-join/19%3ameeting_'} || replace(mp.target_id, '-', '') || ${'%40thread.v2/0'} else m.join_url end`.as('join_url')])
        .where('mp.source_id', 'in', ids)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('meetings as t').select('t.id').where('t.tenant_id', '=', k.targetTenantId).whereRef('t.id', '=', 'mp.target_id')))))
      .execute();
    return Number(mapped.numInsertedOrUpdatedRows ?? 0);
  },

  async setMeetingAttendees(trx: Db, tenantId: string, id: string, attendees: string[]): Promise<void> {
    await trx.updateTable('meetings').set({ attendees: JSON.stringify(attendees) }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  },

  /** Target user ids of source users, through CTIM (only mapped identities). */
  async mappedIdentities(db: Db, k: MoveKey, sourceUserIds: string[]): Promise<Map<string, string>> {
    if (!sourceUserIds.length) return new Map();
    // Unmapped rows are dropped here, not in SQL: `target_user_id is not null` made SQLite's planner walk the
    // (target tenant, target user) index over every mapped user of the tenant instead of seeking the keys.
    const rows = await db.selectFrom('identity_mappings').select(['source_user_id', 'target_user_id']).where('target_tenant_id', '=', k.targetTenantId)
      .where('source_tenant_id', '=', k.sourceTenantId).where('source_user_id', 'in', sourceUserIds).execute();
    return new Map(rows.flatMap((r) => (r.target_user_id === null ? [] : [[r.source_user_id, r.target_user_id] as const])));
  },

  /** The source side once meetings moved: the organizer no longer has a mailbox, so the moved meetings leave it. */
  async removeMovedSourceMeetings(trx: Db, k: MoveKey): Promise<void> {
    await trx.deleteFrom('meetings').where('tenant_id', '=', k.sourceTenantId).where('organizer_id', '=', k.sourceUserId)
      .where('id', 'in', mapOf(k, 'Meeting', 'meeting')(trx).select('mp.source_id')).execute();
  },

  async rollbackMeetings(trx: Db, k: MoveKey): Promise<void> {
    await trx.deleteFrom('meetings').where('tenant_id', '=', k.targetTenantId).where('id', 'in', mapOf(k, 'Meeting', 'meeting')(trx).select('mp.target_id')).execute();
    await trx.deleteFrom('migration_item_map').where('job_id', '=', k.jobId).where('user_id', '=', k.userId).where('workload', '=', 'Meeting').execute();
  },

  async recipientType(db: Db, tenantId: string, id: string): Promise<string | null> {
    const r = await db.selectFrom('recipients').select('recipient_type').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return r?.recipient_type ?? null;
  },
};

export interface MessageKey { chatId: string; id: string }

function after<Q extends { where: (...a: any[]) => Q }>(q: Q, cursor: MessageKey | null): Q {
  if (!cursor) return q;
  return q.where((eb: any) => eb.or([eb('m.chat_id', '>', cursor.chatId), eb.and([eb('m.chat_id', '=', cursor.chatId), eb('m.id', '>', cursor.id)])]));
}

function upTo<Q extends { where: (...a: any[]) => Q }>(q: Q, end: MessageKey | undefined): Q {
  if (!end) return q;
  return q.where((eb: any) => eb.or([eb('m.chat_id', '<', end.chatId), eb.and([eb('m.chat_id', '=', end.chatId), eb('m.id', '<=', end.id)])]));
}

/** ORCH-7's meeting exclusions, in that order. */
function meetingExclusion(m: { meeting_kind: string; attendee_count: number; is_cancelled: number; sensitivity: string; calendar: string; organized_by_resource: number }): string | null {
  if (m.meeting_kind === 'channelMeeting') return 'channel meeting';
  if (m.meeting_kind !== 'meeting') return 'live event, webinar or town hall';
  if (Number(m.attendee_count) > 250) return 'more than 250 attendees';
  if (Number(m.is_cancelled)) return 'cancelled meeting';
  if (Number(m.organized_by_resource)) return 'organized by a resource mailbox';
  if (m.calendar !== 'default') return 'not in the default calendar';
  if (m.sensitivity !== 'normal') return 'Confidential or Highly Confidential';
  return null;
}
