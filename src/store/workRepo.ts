// Every SQL statement of the work runner: the embedded runnable queue (work_items, SQLite), the
// virtual-time timers, dead letters, runner heartbeats, the persisted clock, and the calls into
// graphile-worker's schema (PostgreSQL). Set-based: one statement per batch, never one per row.
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database, WorkFailuresTable, WorkItemsTable, WorkTimersTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 500;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Instants may come back as text (SQLite, text columns) or Date (PostgreSQL timestamptz). */
export function instantMs(v: unknown): number {
  return v instanceof Date ? v.getTime() : Date.parse(String(v));
}

/** JSON columns may come back as text or, on PostgreSQL jsonb/json, already parsed. */
export function jsonText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * graphile-worker's task identifier of an item: items of a named queue carry a suffix, so only the
 * runner's serial pool (one claim per fetch) takes them; the batched pool never sees them. graphile-worker
 * 0.17.3's batched fetch locks several jobs of one named queue at once (graphile/worker#621).
 */
export const SERIAL_SUFFIX = '@serial';
export const graphileIdentifier = (task: string, queueName: string | null): string => (queueName === null ? task : task + SERIAL_SUFFIX);

export const workRepo = {
  // ---- timers (clock time) ------------------------------------------------------------------
  /** Inserts timers; a timer replaces an earlier timer with the same job key. */
  async addTimers(db: Db, rows: readonly WorkTimersTable[]): Promise<void> {
    const keys = rows.map((r) => r.job_key).filter((k): k is string => k !== null);
    for (const ks of chunks(keys)) await db.deleteFrom('work_timers').where('job_key', 'in', ks).execute();
    for (const part of chunks(rows)) await db.insertInto('work_timers').values(part).execute();
  },

  async removeTimerKeys(db: Db, keys: readonly string[]): Promise<void> {
    for (const ks of chunks(keys)) await db.deleteFrom('work_timers').where('job_key', 'in', ks).execute();
  },

  /** Takes (deletes and returns) up to `limit` timers due at `nowIso`, earliest first. */
  async takeDueTimers(db: Db, nowIso: string, limit: number): Promise<WorkTimersTable[]> {
    const due = db.selectFrom('work_timers').select('id').where('run_at', '<=', nowIso).orderBy('run_at').limit(limit);
    return db.deleteFrom('work_timers').where('id', 'in', due).returningAll().execute();
  },

  async nextTimerAt(db: Db): Promise<number | undefined> {
    const r = await db.selectFrom('work_timers').select('run_at').orderBy('run_at').limit(1).executeTakeFirst();
    return r ? instantMs(r.run_at) : undefined;
  },

  async dueTimerCount(db: Db, nowIso: string): Promise<number> {
    const r = await db.selectFrom('work_timers').select((eb) => eb.fn.countAll<number>().as('n')).where('run_at', '<=', nowIso).executeTakeFirstOrThrow();
    return Number(r.n);
  },

  // ---- embedded runnable queue (work_items; claimed on SQLite) ------------------------------
  /**
   * graphile-worker's job_key replace: a pending item with the key is replaced; a running one keeps
   * running but loses its key and is not retried (its world state is out of date).
   */
  async removeItemKeys(db: Db, keys: readonly string[]): Promise<void> {
    for (const ks of chunks(keys)) {
      await db.updateTable('work_items').set((eb) => ({ job_key: null, max_attempts: eb.ref('attempts') })).where('job_key', 'in', ks).where('locked_at', 'is not', null).execute();
      await db.deleteFrom('work_items').where('job_key', 'in', ks).where('locked_at', 'is', null).execute();
    }
  },

  async addItems(db: Db, rows: readonly WorkItemsTable[]): Promise<void> {
    await workRepo.removeItemKeys(db, rows.map((r) => r.job_key).filter((k): k is string => k !== null));
    for (const part of chunks(rows)) await db.insertInto('work_items').values(part).execute();
  },

  /**
   * One statement claims up to `limit` due items: unlocked, not in a named queue that has a locked
   * item, and only the head of each named queue. SQLite only (rowid breaks run_at ties: FIFO).
   */
  async claimItems(db: Db, workerId: string, nowIso: string, lockedAtIso: string, limit: number): Promise<WorkItemsTable[]> {
    const res = await sql<WorkItemsTable>`
      update work_items set locked_at = ${lockedAtIso}, locked_by = ${workerId}, attempts = attempts + 1
      where rowid in (
        select w.rowid from work_items w
        where w.failed_at is null and w.locked_at is null and w.run_at <= ${nowIso}
          and (w.queue_name is null or (
            not exists (select 1 from work_items l where l.queue_name = w.queue_name and l.locked_at is not null)
            and w.rowid = (select f.rowid from work_items f where f.queue_name = w.queue_name and f.failed_at is null
                           order by f.run_at, f.rowid limit 1)))
        order by w.run_at, w.rowid limit ${limit})
      returning *`.execute(db);
    return res.rows;
  },

  /** Completion guarded by the lock owner, one statement per batch. */
  async completeItems(db: Db, workerId: string, ids: readonly string[]): Promise<void> {
    // The ids travel as one JSON parameter: one cached statement, not a 500-placeholder query built per batch.
    if (ids.length) await sql`delete from work_items where locked_by = ${workerId} and id in (select value from json_each(${JSON.stringify(ids)}))`.execute(db);
  },

  /** Removes a failed item if this worker still holds its lock; returns the row as it is now. */
  async takeLockedItem(db: Db, workerId: string, id: string): Promise<WorkItemsTable | undefined> {
    return db.deleteFrom('work_items').where('id', '=', id).where('locked_by', '=', workerId).returningAll().executeTakeFirst();
  },

  async unlockItems(db: Db, lockIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const part of chunks(lockIds)) {
      const r = await db.updateTable('work_items').set({ locked_at: null, locked_by: null }).where('locked_by', 'in', part).executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
  },

  /** Locks older than `beforeIso` whose owner is not a registered runner (it died before registering). */
  async unlockOrphans(db: Db, beforeIso: string): Promise<number> {
    const r = await db.updateTable('work_items').set({ locked_at: null, locked_by: null })
      .where('locked_at', '<', beforeIso).where('locked_by', 'not in', db.selectFrom('work_workers').select('id')).executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  /** What a drain waits for: items due and unlocked, items locked (by anyone), timers due. */
  async itemState(db: Db, nowIso: string): Promise<{ due: number; locked: number }> {
    const r = await db.selectFrom('work_items').select([
      sql<number>`coalesce(sum(case when locked_at is null and failed_at is null and run_at <= ${nowIso} then 1 else 0 end), 0)`.as('due'),
      sql<number>`coalesce(sum(case when locked_at is not null then 1 else 0 end), 0)`.as('locked'),
    ]).executeTakeFirstOrThrow();
    return { due: Number(r.due), locked: Number(r.locked) };
  },

  /** Items in the runnable queue of the store's backend (work_items, or graphile-worker's jobs): tests and operators. */
  async runnable(db: Db): Promise<{ task: string; attempts: number; locked: boolean; jobKey: string | null }[]> {
    if (isPostgres(db)) {
      const r = await sql<{ task: string; attempts: number; locked: boolean; key: string | null }>`select task_identifier as task, attempts, locked_at is not null as locked, key
        from graphile_worker.jobs where attempts < max_attempts order by id`.execute(db);
      return r.rows.map((x) => ({ task: x.task.endsWith(SERIAL_SUFFIX) ? x.task.slice(0, -SERIAL_SUFFIX.length) : x.task, attempts: Number(x.attempts), locked: x.locked, jobKey: x.key }));
    }
    const rows = await db.selectFrom('work_items').select(['task', 'attempts', 'locked_at', 'job_key']).where('failed_at', 'is', null).orderBy('run_at').execute();
    return rows.map((x) => ({ task: x.task, attempts: x.attempts, locked: x.locked_at !== null, jobKey: x.job_key }));
  },

  /**
   * Work left to do now on the store's backend, whoever runs it: runnable items due or locked, and
   * timers due. 0 means every runner is idle until the clock moves (benchmarks driving other processes).
   */
  async pendingNow(db: Db, nowIso: string): Promise<number> {
    const st = isPostgres(db) ? await workRepo.graphileState(db) : await workRepo.itemState(db, nowIso);
    return st.due + st.locked + (await workRepo.dueTimerCount(db, nowIso));
  },

  // ---- dead letters ---------------------------------------------------------------------------
  async recordFailures(db: Db, rows: readonly WorkFailuresTable[]): Promise<void> {
    for (const part of chunks(rows)) await db.insertInto('work_failures').values(part).execute();
  },

  async failures(db: Db): Promise<WorkFailuresTable[]> {
    return db.selectFrom('work_failures').selectAll().orderBy('failed_at').execute();
  },

  // ---- runners: heartbeats and the stale-lock sweep --------------------------------------------
  async heartbeat(db: Db, id: string, lockIds: readonly string[], nowIso: string): Promise<void> {
    const lock_ids = JSON.stringify(lockIds);
    await db.insertInto('work_workers').values({ id, lock_ids, heartbeat_at: nowIso, started_at: nowIso })
      .onConflict((oc) => oc.column('id').doUpdateSet({ lock_ids, heartbeat_at: nowIso })).execute();
  },

  async staleWorkers(db: Db, beforeIso: string): Promise<{ id: string; lockIds: string[] }[]> {
    const rows = await db.selectFrom('work_workers').select(['id', 'lock_ids']).where('heartbeat_at', '<', beforeIso).execute();
    return rows.map((r) => ({ id: r.id, lockIds: JSON.parse(jsonText(r.lock_ids)) as string[] }));
  },

  async removeWorkers(db: Db, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await db.deleteFrom('work_workers').where('id', 'in', part).execute();
  },

  // ---- graphile-worker (PostgreSQL) -----------------------------------------------------------
  /** Batch add through graphile_worker.add_jobs (its job_key replace semantics; run_at = database now). */
  async addGraphileJobs(db: Db, specs: readonly { identifier: string; payload: unknown; queue_name: string | null; max_attempts: number; job_key: string | null }[]): Promise<void> {
    for (const part of chunks(specs)) {
      await sql`select count(*) from graphile_worker.add_jobs(array(
        select json_populate_record(null::graphile_worker.job_spec, e) from json_array_elements(${JSON.stringify(part)}::json) e))`.execute(db);
    }
  },

  /** graphile_worker.remove_job per key: deletes a pending job, or clears a running one's key. */
  async removeGraphileKeys(db: Db, keys: readonly string[]): Promise<void> {
    if (keys.length) await sql`select count(graphile_worker.remove_job(k)) from unnest(${[...keys]}::text[]) k`.execute(db);
  },

  /** A graphile job's key and lock holder, locked for the caller's transaction. */
  async graphileJobKey(db: Db, jobId: string): Promise<{ key: string | null; attempts: number; max_attempts: number; locked_by: string | null } | undefined> {
    const r = await sql<{ key: string | null; attempts: number; max_attempts: number; locked_by: string | null }>`select key, attempts, max_attempts, locked_by from graphile_worker._private_jobs where id = ${jobId}::bigint for update`.execute(db);
    return r.rows[0];
  },

  /** Who holds a graphile job's lock now (undefined: the job is gone). */
  async graphileLockHolder(db: Db, jobId: string): Promise<string | null | undefined> {
    const r = await sql<{ locked_by: string | null }>`select locked_by from graphile_worker._private_jobs where id = ${jobId}::bigint`.execute(db);
    return r.rows[0]?.locked_by;
  },

  /** Whether graphile holds any job of a named queue (SERIAL_SUFFIX identifier), held or waiting. */
  async graphileSerialJobs(db: Db): Promise<boolean> {
    const r = await sql<{ any: boolean }>`select exists (select 1 from graphile_worker._private_tasks t join graphile_worker._private_jobs j on j.task_id = t.id
        where t.identifier like ${`%${SERIAL_SUFFIX}`}) as any`.execute(db);
    return r.rows[0]?.any === true;
  },

  /** Whether any graphile job is held or due: stops at the first such row (graphileState counts them all). */
  async graphileBusy(db: Db): Promise<boolean> {
    const r = await sql<{ busy: boolean }>`select exists (select 1 from graphile_worker._private_jobs where locked_at is not null)
        or exists (select 1 from graphile_worker._private_jobs where locked_at is null and run_at <= now() and attempts < max_attempts) as busy`.execute(db);
    return r.rows[0]?.busy === true;
  },

  async graphileState(db: Db): Promise<{ due: number; locked: number }> {
    const r = await sql<{ due: string; locked: string }>`select
        count(*) filter (where locked_at is null and run_at <= now() and attempts < max_attempts) as due,
        count(*) filter (where locked_at is not null) as locked
      from graphile_worker._private_jobs`.execute(db);
    return { due: Number(r.rows[0]?.due ?? 0), locked: Number(r.rows[0]?.locked ?? 0) };
  },

  async forceUnlockGraphile(db: Db, lockIds: readonly string[]): Promise<void> {
    if (lockIds.length) await sql`select graphile_worker.force_unlock_workers(${[...lockIds]}::text[])`.execute(db);
  },
};
