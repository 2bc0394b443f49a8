// Repository of the migration engine's moves (one row per job × user × workload) and their id maps.
// Loads, saves and queries; the lifecycle lives in domain/movePhases.ts (applyMoveEvent commits it as
// compare-and-set), the rules in domain/moveStatus.ts and engine/migration/.
import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Database, MigrationMovesTable } from './schema.js';
import { eventRule, OPEN_PHASES, type MoveEvent, type MovePhase } from '../domain/movePhases.js';
import type { Workload } from '../domain/enums.js';
import { isPostgres } from './dialect.js';
import { prepared } from './prepared.js';

type Db = Kysely<Database> | Transaction<Database>;

// Read by every work item of a migration, several times.
const moveByKey = prepared((db: Kysely<Database>, jobId: string, userId: string, workload: string) =>
  db.selectFrom('migration_moves').selectAll().where('job_id', '=', jobId).where('user_id', '=', userId).where('workload', '=', workload as Workload), ['', '', ''] as [string, string, string]);
const movesOfUser = prepared((db: Kysely<Database>, jobId: string, userId: string) =>
  db.selectFrom('migration_moves').selectAll().where('job_id', '=', jobId).where('user_id', '=', userId), ['', ''] as [string, string]);

/** A move (aliased `m`) of one of its job's active users: the user's task is not cancelled. */
const ofActiveUser = (eb: ExpressionBuilder<Database & { m: MigrationMovesTable }, 'm'>) =>
  eb.exists(eb.selectFrom('migration_tasks as t').select('t.id').whereRef('t.job_id', '=', 'm.job_id').whereRef('t.id', '=', 'm.user_id').where('t.cancelled', '=', 0));

export interface Move {
  jobId: string;
  userId: string;
  workload: Workload;
  tenantId: string;
  sourceTenantId: string;
  sourceUserId: string | null;
  phase: MovePhase;
  cursor: string | null;
  itemsTotal: number;
  bytesTotal: number;
  itemsDone: number;
  bytesDone: number;
  passes: number;
  skipped: { sourceItemId: string; reason: string }[];
  skippedApproved: boolean;
  sourceCount: number | null;
  targetCount: number | null;
  consistency: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  syncDoneAt: string | null;
  lastSyncAt: string | null;
  updatedAt: string;
}

/** Fields a step writes besides the phase (the phase changes only through applyMoveEvent). */
export type MovePatch = Partial<Omit<Move, 'jobId' | 'userId' | 'workload' | 'tenantId' | 'sourceTenantId' | 'phase'>>;
type MoveKey = Pick<Move, 'jobId' | 'userId' | 'workload'>;

function toMove(r: MigrationMovesTable): Move {
  return {
    jobId: r.job_id, userId: r.user_id, workload: r.workload as Workload, tenantId: r.tenant_id, sourceTenantId: r.source_tenant_id,
    sourceUserId: r.source_user_id, phase: r.phase as MovePhase, cursor: r.cursor,
    itemsTotal: Number(r.items_total), bytesTotal: Number(r.bytes_total), itemsDone: Number(r.items_done), bytesDone: Number(r.bytes_done),
    passes: r.passes, skipped: JSON.parse(r.skipped), skippedApproved: r.skipped_approved === 1,
    sourceCount: r.source_count === null ? null : Number(r.source_count), targetCount: r.target_count === null ? null : Number(r.target_count),
    consistency: r.consistency, errorCode: r.error_code, errorMessage: r.error_message, syncDoneAt: r.sync_done_at, lastSyncAt: r.last_sync_at, updatedAt: r.updated_at,
  };
}

function toRow(p: MovePatch): Partial<MigrationMovesTable> {
  const r: Partial<MigrationMovesTable> = {};
  if (p.sourceUserId !== undefined) r.source_user_id = p.sourceUserId;
  if (p.cursor !== undefined) r.cursor = p.cursor;
  if (p.itemsTotal !== undefined) r.items_total = p.itemsTotal;
  if (p.bytesTotal !== undefined) r.bytes_total = p.bytesTotal;
  if (p.itemsDone !== undefined) r.items_done = p.itemsDone;
  if (p.bytesDone !== undefined) r.bytes_done = p.bytesDone;
  if (p.passes !== undefined) r.passes = p.passes;
  if (p.skipped !== undefined) r.skipped = JSON.stringify(p.skipped);
  if (p.skippedApproved !== undefined) r.skipped_approved = p.skippedApproved ? 1 : 0;
  if (p.sourceCount !== undefined) r.source_count = p.sourceCount;
  if (p.targetCount !== undefined) r.target_count = p.targetCount;
  if (p.consistency !== undefined) r.consistency = p.consistency;
  if (p.errorCode !== undefined) r.error_code = p.errorCode;
  if (p.errorMessage !== undefined) r.error_message = p.errorMessage;
  if (p.syncDoneAt !== undefined) r.sync_done_at = p.syncDoneAt;
  if (p.lastSyncAt !== undefined) r.last_sync_at = p.lastSyncAt;
  if (p.updatedAt !== undefined) r.updated_at = p.updatedAt;
  return r;
}

export const migrationRepo = {
  /** Creates the moves of a (re)started migration; a retried move keeps what it copied and restarts from `phase`. */
  async startMoves(db: Db, moves: { jobId: string; userId: string; workload: Workload; tenantId: string; sourceTenantId: string; sourceUserId: string | null; phase: MovePhase; nowIso: string; errorCode?: string | null; errorMessage?: string | null }[]): Promise<void> {
    for (let i = 0; i < moves.length; i += 200) {
      const rows = moves.slice(i, i + 200).map((m) => ({
        job_id: m.jobId, user_id: m.userId, workload: m.workload, tenant_id: m.tenantId, source_tenant_id: m.sourceTenantId, source_user_id: m.sourceUserId,
        phase: m.phase, cursor: null, items_total: 0, bytes_total: 0, items_done: 0, bytes_done: 0, passes: 0, skipped: '[]', skipped_approved: 0,
        source_count: null, target_count: null, consistency: null, error_code: m.errorCode ?? null, error_message: m.errorMessage ?? null, sync_done_at: null, last_sync_at: null, updated_at: m.nowIso,
      }));
      await db.insertInto('migration_moves').values(rows).onConflict((oc) => oc.columns(['job_id', 'user_id', 'workload']).doUpdateSet({
        phase: (eb) => eb.ref('excluded.phase'), source_user_id: (eb) => eb.ref('excluded.source_user_id'),
        error_code: (eb) => eb.ref('excluded.error_code'), error_message: (eb) => eb.ref('excluded.error_message'), sync_done_at: null, updated_at: (eb) => eb.ref('excluded.updated_at'),
      })).execute();
    }
  },

  async get(db: Db, jobId: string, userId: string, workload: Workload): Promise<Move | undefined> {
    const r = await moveByKey.first(db, jobId, userId, workload);
    return r && toMove(r);
  },

  async ofUser(db: Db, jobId: string, userId: string): Promise<Move[]> {
    return (await movesOfUser.all(db, jobId, userId)).map(toMove);
  },

  /** The moves of some users of a job (a page of xtm.progress). */
  async ofUsers(db: Db, jobId: string, userIds: readonly string[]): Promise<Move[]> {
    const ids = [...new Set(userIds)].sort();
    const out: Move[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      out.push(...(await db.selectFrom('migration_moves').selectAll().where('job_id', '=', jobId).where('user_id', 'in', ids.slice(i, i + 500)).orderBy('user_id').orderBy('workload').execute()).map(toMove));
    }
    return out;
  },

  /** Items and bytes done and total per workload, summed in the database. */
  async totals(db: Db, jobId: string): Promise<{ workload: string; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number }[]> {
    const rows = await db.selectFrom('migration_moves').where('job_id', '=', jobId).groupBy('workload').orderBy('workload')
      .select((eb) => ['workload', eb.fn.sum<number>('items_done').as('itemsDone'), eb.fn.sum<number>('items_total').as('itemsTotal'), eb.fn.sum<number>('bytes_done').as('bytesDone'), eb.fn.sum<number>('bytes_total').as('bytesTotal')]).execute();
    return rows.map((r) => ({ workload: r.workload, itemsDone: Number(r.itemsDone), itemsTotal: Number(r.itemsTotal), bytesDone: Number(r.bytesDone), bytesTotal: Number(r.bytesTotal) }));
  },

  /** The distinct Data Consistency Scores of a job's moves. */
  async scores(db: Db, jobId: string): Promise<(string | null)[]> {
    return (await db.selectFrom('migration_moves').select('consistency').distinct().where('job_id', '=', jobId).execute()).map((r) => r.consistency);
  },

  async ofJob(db: Db, jobId: string): Promise<Move[]> {
    return (await db.selectFrom('migration_moves').selectAll().where('job_id', '=', jobId).orderBy('user_id').orderBy('workload').execute()).map(toMove);
  },

  /**
   * Commits a lifecycle event (domain/movePhases.ts) with the fields that go with it, as compare-and-set on
   * the phases the table allows it from: false (nothing written) when the move is elsewhere.
   */
  async applyMoveEvent(db: Db, m: MoveKey, event: MoveEvent, patch: MovePatch = {}): Promise<boolean> {
    const rule = eventRule(event);
    const res = await db.updateTable('migration_moves').set({ ...toRow(patch), phase: rule.to })
      .where('job_id', '=', m.jobId).where('user_id', '=', m.userId).where('workload', '=', m.workload).where('phase', 'in', [...rule.from]).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** The event for every move of the job (of `userIds` when given) it applies to; the moves it changed. */
  async applyMoveEventToJob(db: Db, jobId: string, event: MoveEvent, patch: MovePatch, userIds?: readonly string[]): Promise<Move[]> {
    const rule = eventRule(event);
    if (userIds?.length === 0) return [];
    let q = db.updateTable('migration_moves').set({ ...toRow(patch), phase: rule.to }).where('job_id', '=', jobId).where('phase', 'in', [...rule.from]);
    if (userIds) q = q.where('user_id', 'in', [...userIds]);
    return (await q.returningAll().execute()).map(toMove);
  },

  /** Writes fields that are not the phase; with `inPhase`, only while the move is still in it (false otherwise). */
  async patch(db: Db, m: MoveKey, patch: MovePatch, inPhase?: MovePhase): Promise<boolean> {
    let q = db.updateTable('migration_moves').set(toRow(patch)).where('job_id', '=', m.jobId).where('user_id', '=', m.userId).where('workload', '=', m.workload);
    if (inPhase) q = q.where('phase', '=', inPhase);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /**
   * Adds a chunk's progress and cursor (in the chunk's transaction, so it counts exactly once) while the move
   * is still in `phase`: false (nothing written) when it is not. A total the source outgrew (mail that arrived
   * during the initial sync) grows with it: done never passes total.
   */
  async addProgress(db: Db, m: Pick<Move, 'jobId' | 'userId' | 'workload'>, phase: MovePhase, items: number, bytes: number, cursor: string | null, nowIso: string): Promise<boolean> {
    const res = await db.updateTable('migration_moves').set({
      items_done: sql`items_done + ${items}`, bytes_done: sql`bytes_done + ${bytes}`,
      items_total: sql`case when items_done + ${items} > items_total then items_done + ${items} else items_total end`,
      bytes_total: sql`case when bytes_done + ${bytes} > bytes_total then bytes_done + ${bytes} else bytes_total end`,
      cursor, updated_at: nowIso,
    }).where('job_id', '=', m.jobId).where('user_id', '=', m.userId).where('workload', '=', m.workload).where('phase', '=', phase).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /**
   * Whether a move of the job's active (not cancelled) users is in one of `phases` (all open phases by
   * default): index seeks on (job_id, phase), the same cost at 20 and at 2,000 users.
   */
  async anyActiveIn(db: Db, jobId: string, phases: readonly MovePhase[] = OPEN_PHASES, workload?: Workload): Promise<boolean> {
    let q = db.selectFrom('migration_moves as m').select('m.user_id').where('m.job_id', '=', jobId).where('m.phase', 'in', [...phases])
      .where(ofActiveUser);
    if (workload) q = q.where('m.workload', '=', workload);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  },

  /**
   * PostgreSQL: finds another user's Exchange move of the job still queued or in its initial sync that no
   * other transaction is changing right now, and holds a share lock on it until the caller commits (SKIP
   * LOCKED: never waits). That move's end of sync must change it, so it waits for the caller's commit and
   * then makes the cutover check itself, seeing the caller's writes: the caller can leave the check to it
   * without taking the job's cutover lock, which every finishing sync otherwise queued on (a 2,000-user
   * migration: 2,000 waits of ~9 ms). False: decide under the lock (SQLite always: its writers are serial).
   */
  async holdActiveSync(db: Db, jobId: string, exceptUserId: string): Promise<boolean> {
    if (!isPostgres(db as Kysely<Database>)) return false;
    const r = await db.selectFrom('migration_moves as m').select('m.user_id').where('m.job_id', '=', jobId).where('m.workload', '=', 'Exchange')
      .where('m.phase', 'in', ['queued', 'syncing']).where('m.user_id', '<>', exceptUserId)
      .where(ofActiveUser)
      .limit(1).forShare('m').skipLocked().executeTakeFirst();
    return r !== undefined;
  },

  /**
   * Serializes, per job, the end of an initial sync with the cutover check (for the caller's transaction):
   * whichever comes second sees the other's commit. PostgreSQL: an advisory lock, not the job row, which
   * API requests lock before the users' rows (a sync holds its user's row). SQLite: writes are serial already.
   */
  async lockCutoverDecision(db: Db, jobId: string): Promise<void> {
    if (isPostgres(db as Kysely<Database>)) await sql`select pg_advisory_xact_lock(hashtext(${`xtm.cutover:${jobId}`}))`.execute(db);
  },

  /**
   * PostgreSQL: finds an open move of the job's active users that no other transaction is changing and
   * holds a share lock on it until the caller commits (SKIP LOCKED: never waits). While the caller holds
   * it, the move's next change waits for the caller's commit, so whoever changes it next sees the caller's
   * writes and decides whether the job is done: the caller need not take the job's lock. False: every open
   * move is being changed right now, or none is left. SQLite, whose writers are serial: whether any open
   * move is left at all (then its own change decides later), so the job is read only at the end.
   */
  async holdOpenMove(db: Db, jobId: string): Promise<boolean> {
    if (!isPostgres(db)) return migrationRepo.anyActiveIn(db, jobId);
    // Not a queued move: slot grants skip locked queued moves, and the last one held here could be skipped for good.
    const r = await db.selectFrom('migration_moves as m').select('m.user_id').where('m.job_id', '=', jobId).where('m.phase', 'in', OPEN_PHASES.filter((p) => p !== 'queued'))
      .where(ofActiveUser)
      .limit(1).forShare('m').skipLocked().executeTakeFirst();
    return r !== undefined;
  },

  /** How many of the job's moves are in `phase` (index on (job_id, phase)). */
  async countOfJobIn(db: Db, jobId: string, phase: MovePhase): Promise<number> {
    const r = await db.selectFrom('migration_moves').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', jobId).where('phase', '=', phase).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** The phases of each active (not cancelled) user's moves, users without moves included (read once, when the job ends). */
  async activePhasesByUser(db: Db, jobId: string): Promise<Map<string, MovePhase[]>> {
    const rows = await db.selectFrom('migration_tasks as t').leftJoin('migration_moves as m', (j) => j.onRef('m.job_id', '=', 't.job_id').onRef('m.user_id', '=', 't.id'))
      .select(['t.id', 'm.phase']).where('t.job_id', '=', jobId).where('t.cancelled', '=', 0).execute();
    const out = new Map<string, MovePhase[]>();
    for (const r of rows) {
      const list = out.get(r.id) ?? [];
      if (r.phase) list.push(r.phase as MovePhase);
      out.set(r.id, list);
    }
    return out;
  },

  /** PostgreSQL: the tenant's move slots of `workload`, locked until the caller commits (SQLite's writers are serial already). */
  async lockSlots(db: Db, tenantId: string, workload: Workload): Promise<void> {
    if (isPostgres(db)) await sql`select pg_advisory_xact_lock(hashtext(${`xtm.slots:${tenantId}:${workload}`}))`.execute(db);
  },

  async countInPhases(db: Db, tenantId: string, workload: Workload, phases: readonly MovePhase[]): Promise<number> {
    const r = await db.selectFrom('migration_moves').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId).where('workload', '=', workload).where('phase', 'in', [...phases]).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Whether a move of the tenant's `workload` waits for a slot (index on (tenant_id, workload, phase, updated_at)). */
  async anyQueued(db: Db, tenantId: string, workload: Workload): Promise<boolean> {
    const r = await db.selectFrom('migration_moves').select('user_id').where('tenant_id', '=', tenantId).where('workload', '=', workload).where('phase', '=', 'queued').limit(1).executeTakeFirst();
    return r !== undefined;
  },

  /** The tenant's oldest queued moves of `workload`, at most `limit`. */
  async queued(db: Db, tenantId: string, workload: Workload, limit: number): Promise<Move[]> {
    const q = db.selectFrom('migration_moves').selectAll().where('tenant_id', '=', tenantId).where('workload', '=', workload).where('phase', '=', 'queued')
      .orderBy('updated_at').orderBy('job_id').orderBy('user_id').limit(limit);
    // PostgreSQL: a move another transaction is granting (row locked) is skipped, not waited for.
    const rows = await (isPostgres(db) ? q.forUpdate().skipLocked() : q).execute();
    return rows.map(toMove);
  },

  /** The job's migration data (moves and id maps); the moved content itself stays. */
  async purgeJob(db: Db, jobId: string): Promise<void> {
    await db.deleteFrom('migration_item_map').where('job_id', '=', jobId).execute();
    await db.deleteFrom('migration_moves').where('job_id', '=', jobId).execute();
  },

  /** Source user of each target user, from the identity mapping (CTIM) of the pair of tenants. */
  async sourceUsers(db: Db, targetTenantId: string, sourceTenantId: string, targetIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < targetIds.length; i += 500) {
      const rows = await db.selectFrom('identity_mappings').select(['target_user_id', 'source_user_id'])
        .where('target_tenant_id', '=', targetTenantId).where('source_tenant_id', '=', sourceTenantId).where('target_user_id', 'in', targetIds.slice(i, i + 500))
        .orderBy('source_user_id').execute();
      for (const r of rows) if (r.target_user_id && !out.has(r.target_user_id)) out.set(r.target_user_id, r.source_user_id);
    }
    return out;
  },

  async itemMapCount(db: Db, jobId: string): Promise<number> {
    const r = await db.selectFrom('migration_item_map').select(sql<number>`count(*)`.as('n')).where('job_id', '=', jobId).executeTakeFirstOrThrow();
    return Number(r.n);
  },
};
