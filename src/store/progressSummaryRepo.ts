// The compact progress summary of one job (xtm.progressSummary): every figure comes out of aggregate
// SQL over the job's task and move rows, so the answer's size and the work done in JavaScript do not
// grow with the job; only the database's scan does. ONE function reads everything, so a change in how
// the engine stores move progress is adapted here alone.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SummaryRows {
  /** Users of the job, and how many are in each overall status (the most pressing of their workloads'). */
  usersTotal: number;
  userStatuses: { status: string; n: number }[];
  /** Task statuses per workload (what validation and the engine report per service). */
  taskStatuses: { workload: string; status: string; n: number }[];
  /** Moves per workload, phase and Data Consistency Score, with the items and bytes they hold. */
  moves: { workload: string; phase: string; consistency: string | null; n: number; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; updatedAt: string | null }[];
  attention: { userId: string; userPrincipalName: string | null; workload: string; status: string; code: string | null; message: string | null }[];
  slowest: { userId: string; workload: string; itemsDone: number; itemsTotal: number }[];
}

/**
 * `rank` orders task statuses from most to least pressing: a user's overall status is the first of
 * them any of its workloads has. `attentionLimit` / `slowestLimit` bound the two lists.
 */
export async function progressSummaryRows(db: Db, job: { id: string; tenantId: string }, o: { rank: readonly string[]; attentionStatuses: readonly string[]; attentionPhases: readonly string[]; activePhases: readonly string[]; attentionLimit: number; slowestLimit: number }): Promise<SummaryRows> {
  const pg = isPostgres(db as Kysely<Database>);
  // Each task's per-workload statuses as rows (current_status is a JSON array of ServiceStatusDetails).
  const statuses = pg
    ? sql`migration_tasks t cross join lateral jsonb_array_elements(t.current_status) as e(v)`
    : sql`migration_tasks t cross join json_each(t.current_status) as e`;
  const field = (name: string): RawBuilder<string> => (pg ? sql`(e.v ->> ${sql.lit(name)})` : sql`(e.value ->> ${sql.lit('$.' + name)})`);
  const firstError = (name: string): RawBuilder<string> => (pg ? sql`(e.v -> 'errors' -> 0 ->> ${sql.lit(name)})` : sql`(e.value ->> ${sql.lit('$.errors[0].' + name)})`);
  const rankOf = sql`case ${field('status')} ${sql.join(o.rank.map((s, i) => sql`when ${sql.lit(s)} then ${sql.lit(i)}`), sql` `)} else ${sql.lit(o.rank.length)} end`;
  const list = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

  // The tasks' statuses are read out of their JSON once (materialized) for both counts: per user (its
  // most pressing status, as a rank) and per workload.
  const statusRows = sql<{ workload: string | null; status: string; n: number }>`with s as materialized (
        select t.id as id, ${field('service')} as w, ${field('status')} as st, ${rankOf} as r from ${statuses} where t.job_id = ${job.id})
      select null as workload, cast(r as text) as status, count(*) as n from (select id, min(r) as r from s group by id) as u group by r
      union all
      select w as workload, st as status, count(*) as n from s group by w, st`;

  const [total, counts, moves, taskAttention, moveAttention, slowest] = await Promise.all([
    sql<{ n: number }>`select count(*) as n from migration_tasks where job_id = ${job.id}`.execute(db),
    statusRows.execute(db),
    sql<SummaryRows['moves'][number]>`select workload, phase, consistency, count(*) as n,
        sum(items_done) as "itemsDone", sum(items_total) as "itemsTotal", sum(bytes_done) as "bytesDone", sum(bytes_total) as "bytesTotal", max(updated_at) as "updatedAt"
      from migration_moves where job_id = ${job.id} group by workload, phase, consistency`.execute(db),
    sql<SummaryRows['attention'][number]>`select t.id as "userId", u.user_principal_name as "userPrincipalName", ${field('service')} as workload, ${field('status')} as status,
        ${firstError('code')} as code, coalesce(${firstError('message')}, ${field('message')}) as message
      from ${statuses} left join users u on u.tenant_id = t.tenant_id and u.id = t.id
      where t.job_id = ${job.id} and ${field('status')} in (${list(o.attentionStatuses)})
      order by t.position, 3 limit ${o.attentionLimit}`.execute(db),
    sql<SummaryRows['attention'][number]>`select m.user_id as "userId", u.user_principal_name as "userPrincipalName", m.workload, m.phase as status, m.error_code as code, m.error_message as message
      from migration_moves m left join users u on u.tenant_id = m.tenant_id and u.id = m.user_id
      where m.job_id = ${job.id} and m.phase in (${list(o.attentionPhases)})
      order by m.updated_at, m.user_id, m.workload limit ${o.attentionLimit}`.execute(db),
    sql<SummaryRows['slowest'][number]>`select user_id as "userId", workload, items_done as "itemsDone", items_total as "itemsTotal"
      from migration_moves where job_id = ${job.id} and phase in (${list(o.activePhases)})
      order by case when items_total > 0 then items_done * 1.0 / items_total else 0 end, items_total - items_done desc, user_id limit ${o.slowestLimit}`.execute(db),
  ]);
  const num = (v: unknown) => Number(v ?? 0);
  return {
    usersTotal: num(total.rows[0]?.n),
    userStatuses: counts.rows.filter((r) => r.workload === null).map((r) => ({ status: o.rank[num(r.status)] ?? 'unknownFutureValue', n: num(r.n) })),
    taskStatuses: counts.rows.filter((r) => r.workload !== null).map((r) => ({ workload: r.workload!, status: r.status, n: num(r.n) })),
    moves: moves.rows.map((r) => ({ ...r, n: num(r.n), itemsDone: num(r.itemsDone), itemsTotal: num(r.itemsTotal), bytesDone: num(r.bytesDone), bytesTotal: num(r.bytesTotal) })),
    attention: [...moveAttention.rows, ...taskAttention.rows],
    slowest: slowest.rows.map((r) => ({ ...r, itemsDone: num(r.itemsDone), itemsTotal: num(r.itemsTotal) })),
  };
}
