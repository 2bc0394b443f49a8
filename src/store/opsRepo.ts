// What operators read: readiness (the store answers, its schema is current, a runner is beating) and
// the store-wide figures /metrics exposes. Read-only, cheap aggregates; every process on one store
// reports the same figures (dashboards take max() over replicas).
import { Migrator, sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import { migrations, type Store } from './db.js';
import type { Database } from './schema.js';
import { instantMs } from './workRepo.js';

type Db = Kysely<Database>;

export interface WorkFigures { task: string; queued: number; running: number; failed: number; oldestDueAgeSec: number }

export const opsRepo = {
  /** Migrations the code knows and the store has not applied (empty: the schema is current). */
  async pendingMigrations(store: Store): Promise<string[]> {
    const all = migrations(store.dialect);
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => all }, allowUnorderedMigrations: true });
    return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
  },

  /** Wall-clock ms of the newest runner heartbeat (undefined: no runner ever registered). */
  async newestHeartbeatMs(db: Db): Promise<number | undefined> {
    const r = await db.selectFrom('work_workers').select((eb) => eb.fn.max('heartbeat_at').as('at')).executeTakeFirst();
    return r?.at ? instantMs(r.at) : undefined;
  },

  async jobsByStatus(db: Db): Promise<{ status: string; n: number }[]> {
    const rows = await db.selectFrom('migration_jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  },

  /** Work items by task: queued (due or not), running (locked), failed (dead letters), age of the oldest due one. */
  async workByTask(db: Db, nowMs: number): Promise<WorkFigures[]> {
    const now = new Date(nowMs).toISOString();
    // graphile-worker creates its schema when a runner first starts: before that nothing is queued there.
    const graphileReady = isPostgres(db) && (await sql<{ ok: boolean }>`select to_regclass('graphile_worker._private_jobs') is not null as ok`.execute(db)).rows[0]?.ok;
    const rows = isPostgres(db)
      ? !graphileReady ? [] : (await sql<{ task: string; queued: string; running: string; oldest: Date | null }>`select t.identifier as task,
            count(*) filter (where locked_at is null and attempts < max_attempts) as queued,
            count(*) filter (where locked_at is not null) as running,
            min(run_at) filter (where locked_at is null and attempts < max_attempts and run_at <= now()) as oldest
          from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id group by 1`.execute(db)).rows
      : (await sql<{ task: string; queued: number; running: number; oldest: string | null }>`select task,
            sum(case when locked_at is null and failed_at is null then 1 else 0 end) as queued,
            sum(case when locked_at is not null then 1 else 0 end) as running,
            min(case when locked_at is null and failed_at is null and run_at <= ${now} then run_at end) as oldest
          from work_items group by task`.execute(db)).rows;
    const failed = await db.selectFrom('work_failures').select(['task', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('task').execute();
    const out = new Map<string, WorkFigures>();
    const at = (task: string) => out.get(task) ?? out.set(task, { task, queued: 0, running: 0, failed: 0, oldestDueAgeSec: 0 }).get(task)!;
    for (const r of rows) Object.assign(at(r.task), { queued: Number(r.queued), running: Number(r.running), oldestDueAgeSec: r.oldest ? Math.max(0, (nowMs - instantMs(r.oldest)) / 1000) : 0 });
    for (const f of failed) at(f.task).failed = Number(f.n);
    return [...out.values()];
  },

  /** Items and bytes copied so far, per workload, over every job. */
  async movedByWorkload(db: Db): Promise<{ workload: string; items: number; bytes: number }[]> {
    const rows = await db.selectFrom('migration_moves').select(['workload', (eb) => eb.fn.sum<number>('items_done').as('items'), (eb) => eb.fn.sum<number>('bytes_done').as('bytes')]).groupBy('workload').execute();
    return rows.map((r) => ({ workload: r.workload, items: Number(r.items ?? 0), bytes: Number(r.bytes ?? 0) }));
  },

  /** Current per-user validation errors, counted by rule code (the tasks whose status lists errors). */
  async validationFailuresByRule(db: Db): Promise<{ rule: string; n: number }[]> {
    const rows = await db.selectFrom('migration_tasks').select('current_status').where(sql<string>`cast(current_status as text)`, 'like', '%"code"%').execute();
    const counts = new Map<string, number>();
    for (const r of rows) {
      const status = (typeof r.current_status === 'string' ? JSON.parse(r.current_status) : r.current_status) as { errors?: { code?: string }[] }[];
      for (const s of status) for (const e of s.errors ?? []) if (e.code) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
    }
    return [...counts].map(([rule, n]) => ({ rule, n }));
  },
};
