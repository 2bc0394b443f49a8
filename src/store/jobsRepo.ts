// Repository for crossTenantMigrationJob and its per-user tasks. Loads, saves and queries; no rules.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import { builder, type Handle, type Tx } from './unitOfWork.js';
import type { Database, MigrationJobsTable, MigrationTasksTable } from './schema.js';
import type { ExchangeSettings, JobHead, MigrationJob, MigrationTask, ServiceStatusDetails } from '../domain/job.js';
import type { JobChange } from '../domain/jobStateMachine.js';
import type { JobStatus, JobType } from '../domain/enums.js';
import { normalizeWorkloads } from '../domain/jobInput.js';
import { prepared } from './prepared.js';
import { boundListSource, listSource, type ListSource } from './listQuery.js';
import { readCacheOf } from './readCache.js';
import { docExpression, type DocField } from './docs.js';

const jobById = prepared((db: Kysely<Database>, id: string, tenantId: string) =>
  db.selectFrom('migration_jobs').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId), ['', ''] as [string, string]);
const jobByName = prepared((db: Kysely<Database>, tenantId: string, key: string) =>
  db.selectFrom('migration_jobs').selectAll().where('tenant_id', '=', tenantId).where('display_name_key', '=', key).where('status', '<>', sqlDeleted()), ['', ''] as [string, string]);
const taskById = prepared((db: Kysely<Database>, jobId: string, id: string) =>
  db.selectFrom('migration_tasks').selectAll().where('job_id', '=', jobId).where('id', '=', id), ['', ''] as [string, string]);

const headById = prepared((db: Kysely<Database>, id: string) => db.selectFrom('migration_jobs').select(HEAD_COLUMNS).where('id', '=', id), [''] as [string]);

function sqlDeleted() {
  return sql<string>`'deleted'`;
}

/** The store, a transaction, or (older callers) store.db. */
type Db = Handle | Kysely<Database>;

/** Every field of a job but its user list, from the columns that hold them. */
function toJobHead(r: Omit<MigrationJobsTable, 'resources'>): JobHead {
  const sent = JSON.parse(r.workloads) as string[];
  return {
    id: r.id,
    tenantId: r.tenant_id,
    displayName: r.display_name,
    jobType: r.job_type as JobType,
    status: r.status as JobStatus,
    message: r.message,
    completeAfterDateTime: r.complete_after,
    completeAfterAsSent: r.complete_after_sent,
    sourceTenantId: r.source_tenant_id,
    exchangeSettings: r.exchange_settings ? exchangeSettingsInOrder(JSON.parse(r.exchange_settings)) : null,
    workloads: normalizeWorkloads(sent),
    workloadsAsSent: sent,
    resourceType: r.resource_type,
    createdBy: r.created_by,
    createdDateTime: r.created_at,
    lastUpdatedDateTime: r.updated_at,
    validatedAt: r.validated_at,
    opSeq: r.op_seq,
  };
}

export function toJob(r: MigrationJobsTable): MigrationJob {
  return { ...toJobHead(r), resources: JSON.parse(r.resources) as string[] };
}

export function fromJob(j: MigrationJob): MigrationJobsTable {
  return {
    id: j.id,
    tenant_id: j.tenantId,
    display_name: j.displayName,
    display_name_key: j.displayName.toLowerCase(),
    job_type: j.jobType,
    status: j.status,
    message: j.message,
    complete_after: j.completeAfterDateTime,
    complete_after_sent: j.completeAfterAsSent,
    source_tenant_id: j.sourceTenantId,
    exchange_settings: j.exchangeSettings ? JSON.stringify(j.exchangeSettings) : null,
    workloads: JSON.stringify(j.workloadsAsSent),
    resource_type: j.resourceType,
    resources: JSON.stringify(j.resources),
    created_by: j.createdBy,
    created_at: j.createdDateTime,
    updated_at: j.lastUpdatedDateTime,
    validated_at: j.validatedAt,
    op_seq: j.opSeq,
  };
}

// jsonb keeps keys sorted by length, SQLite text keeps them as written: restore the written order
// (the order of Graph's examples) so both backends answer the same bytes. Unknown keys follow.
function exchangeSettingsInOrder({ sourceEndpoint, targetDeliveryDomain, ...rest }: ExchangeSettings): ExchangeSettings {
  return { sourceEndpoint, targetDeliveryDomain, ...rest };
}

function statusInOrder({ service, status, message, errors, ...rest }: ServiceStatusDetails): ServiceStatusDetails {
  return { service, status, message, errors: errors.map(({ code, message: text, ...more }) => ({ code, message: text, ...more })), ...rest };
}

export function toTask(r: MigrationTasksTable): MigrationTask {
  return {
    jobId: r.job_id,
    id: r.id,
    taskType: r.task_type,
    currentStatus: (JSON.parse(r.current_status) as ServiceStatusDetails[]).map(statusInOrder),
    cancelled: r.cancelled === 1,
    lastUpdatedDateTime: r.updated_at,
  };
}

const HEAD_COLUMNS = [
  'id', 'tenant_id', 'display_name', 'display_name_key', 'job_type', 'status', 'message', 'complete_after', 'complete_after_sent', 'source_tenant_id',
  'exchange_settings', 'workloads', 'resource_type', 'created_by', 'created_at', 'updated_at', 'validated_at', 'op_seq',
] as const satisfies readonly Exclude<keyof MigrationJobsTable, 'resources'>[];

export const jobsRepo = {
  /**
   * Serializes the job creates of one tenant until commit: the one-user-one-batch check reads before
   * it writes. SQLite runs one writer at a time already; PostgreSQL (read committed) needs the lock.
   */
  async lockTenantJobs(trx: Tx, tenantId: string): Promise<void> {
    if (!isPostgres(trx)) return;
    await sql`select pg_advisory_xact_lock(hashtext(${`xtm.jobs:${tenantId}`}))`.execute(trx);
  },

  async byId(h: Db, tenantId: string, id: string): Promise<MigrationJob | undefined> {
    const db = builder(h);
    const r = await jobById.first(db, id.toLowerCase(), tenantId);
    return r && toJob(r);
  },

  /** Live job with this display name (a deleted job's name is free again). */
  async byDisplayName(h: Db, tenantId: string, name: string): Promise<MigrationJob | undefined> {
    const db = builder(h);
    const r = await jobByName.first(db, tenantId, name.toLowerCase());
    return r && toJob(r);
  },

  async insert(h: Db, job: MigrationJob, tasks: MigrationTask[]): Promise<void> {
    const db = builder(h);
    await db.insertInto('migration_jobs').values(fromJob(job)).execute();
    for (let i = 0; i < tasks.length; i += 500) {
      await db.insertInto('migration_tasks').values(tasks.slice(i, i + 500).map((t, k) => ({
        tenant_id: job.tenantId,
        job_id: job.id,
        id: t.id,
        position: i + k,
        task_type: t.taskType,
        current_status: JSON.stringify(t.currentStatus),
        cancelled: t.cancelled ? 1 : 0,
        updated_at: t.lastUpdatedDateTime,
      }))).execute();
    }
  },

  /**
   * Compare-and-set on status: updates only if the job is still in one of `from` (and at `opSeq` when
   * given). Returns false when another request or work item changed it first.
   */
  async transition(h: Db, jobId: string, from: readonly JobStatus[], patch: Partial<MigrationJobsTable>, opSeq?: number): Promise<boolean> {
    const db = builder(h);
    let q = db.updateTable('migration_jobs').set(patch).where('id', '=', jobId).where('status', 'in', [...from]);
    if (opSeq !== undefined) q = q.where('op_seq', '=', opSeq);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /**
   * Writes a state-machine change (domain/jobStateMachine transition) as a compare-and-set on the
   * job's status and opSeq as they were read. False when something else changed the job first.
   */
  async applyChange(h: Db, job: Pick<MigrationJob, 'id' | 'status' | 'opSeq'>, c: JobChange): Promise<boolean> {
    const db = builder(h);
    const res = await db.updateTable('migration_jobs').set({
      status: c.status, job_type: c.jobType, message: c.message, validated_at: c.validatedAt, complete_after: c.completeAfterDateTime, complete_after_sent: c.completeAfterAsSent,
      updated_at: c.lastUpdatedDateTime, op_seq: c.opSeq,
    }).where('id', '=', job.id).where('status', '=', job.status).where('op_seq', '=', job.opSeq).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  },

  /** A job by id in whichever tenant holds it (work items carry ids only). */
  async byIdAnyTenant(h: Db, id: string): Promise<MigrationJob | undefined> {
    const db = builder(h);
    const r = await db.selectFrom('migration_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toJob(r);
  },

  /**
   * The job without its user list, for the steps of one user's move: read thousands of times a batch,
   * where reading and parsing every user id each time made the batch's cost grow with its square.
   */
  async headById(h: Db, id: string): Promise<JobHead | undefined> {
    const db = builder(h);
    const r = await headById.first(db, id);
    return r && toJobHead(r);
  },

  /** Takes the job row's write lock first, so concurrent work items that decide on the whole job serialize (PostgreSQL). */
  async lock(h: Db, jobId: string): Promise<void> {
    const db = builder(h);
    // PostgreSQL: a row lock, not a no-op UPDATE (a new row version, and its trigger NOTIFYs every API process).
    // SQLite: every transaction holds the database's write lock from its BEGIN IMMEDIATE (store/db.ts), so
    // there is nothing to take; a no-op UPDATE rewrote the row, a 2,000-user job's 80 KB user list included.
    if (isPostgres(db)) await db.selectFrom('migration_jobs').select('id').where('id', '=', jobId).forUpdate().execute();
  },

  /**
   * Users' tasks with their rows locked for the caller's transaction (a currentStatus is rebuilt from several
   * workloads' moves). PostgreSQL: SELECT … FOR UPDATE, in id order so two callers never wait on each other
   * crosswise. SQLite: a plain read, the transaction already holds the write lock (BEGIN IMMEDIATE).
   */
  async lockedTasks(h: Db, jobId: string, userIds: readonly string[]): Promise<MigrationTask[]> {
    const db = builder(h);
    const ids = [...new Set(userIds.map((u) => u.toLowerCase()))].sort();
    if (ids.length === 1 && !isPostgres(db)) {
      const one = await jobsRepo.task(h, jobId, ids[0]!);
      return one ? [one] : [];
    }
    const out: MigrationTask[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const q = db.selectFrom('migration_tasks').selectAll().where('job_id', '=', jobId).where('id', 'in', ids.slice(i, i + 500)).orderBy('id');
      out.push(...(await (isPostgres(db) ? q.forUpdate() : q).execute()).map(toTask));
    }
    return out;
  },

  /** A deleted job keeps a tombstone without its users or settings. */
  async clearResources(h: Db, jobId: string): Promise<void> {
    const db = builder(h);
    await db.updateTable('migration_jobs').set({ resources: '[]', exchange_settings: null }).where('id', '=', jobId).execute();
  },

  async update(h: Db, jobId: string, patch: Partial<MigrationJobsTable>): Promise<void> {
    const db = builder(h);
    await db.updateTable('migration_jobs').set(patch).where('id', '=', jobId).execute();
  },

  /**
   * Memberships of `userIds` in jobs of the tenant that still hold their users (status not in `inactive`,
   * task not cancelled), oldest job first; `exceptJobId` leaves one job out.
   */
  async activeMemberships(h: Db, tenantId: string, userIds: readonly string[], inactive: readonly JobStatus[], exceptJobId?: string) {
    const db = builder(h);
    const out: { userId: string; jobId: string; displayName: string; status: string }[] = [];
    for (let i = 0; i < userIds.length; i += 500) {
      let q = db.selectFrom('migration_tasks as t').innerJoin('migration_jobs as j', 'j.id', 't.job_id')
        .select(['t.id as userId', 'j.id as jobId', 'j.display_name as displayName', 'j.status as status'])
        .where('t.tenant_id', '=', tenantId).where('t.id', 'in', userIds.slice(i, i + 500)).where('t.cancelled', '=', 0)
        .where('j.status', 'not in', [...inactive]);
      if (exceptJobId) q = q.where('j.id', '<>', exceptJobId);
      out.push(...(await q.orderBy('j.created_at').execute()));
    }
    return out;
  },

  async task(h: Db, jobId: string, userId: string): Promise<MigrationTask | undefined> {
    const db = builder(h);
    const r = await taskById.first(db, jobId, userId.toLowerCase());
    return r && toTask(r);
  },

  /** A page of the job's tasks in resource order. */
  async taskPage(h: Db, jobId: string, skip: number, top: number): Promise<MigrationTask[]> {
    const rows = await builder(h).selectFrom('migration_tasks').selectAll().where('job_id', '=', jobId).orderBy('position').offset(skip).limit(top).execute();
    return rows.map(toTask);
  },

  async tasks(h: Db, jobId: string): Promise<MigrationTask[]> {
    const db = builder(h);
    const rows = await db.selectFrom('migration_tasks').selectAll().where('job_id', '=', jobId).orderBy('position').execute();
    return rows.map(toTask);
  },

  /** One UPDATE per 1,000 tasks: the rows travel as one JSON parameter (SQLite json_each) or three arrays (PostgreSQL unnest). */
  async saveTaskStatuses(h: Db, jobId: string, updates: { id: string; currentStatus: ServiceStatusDetails[]; cancelled?: boolean }[], nowIso: string): Promise<void> {
    const db = builder(h);
    const pg = isPostgres(db);
    for (let i = 0; i < updates.length; i += 1000) {
      const part = updates.slice(i, i + 1000);
      const cancelled = (u: (typeof part)[number]) => (u.cancelled === undefined ? null : u.cancelled ? 1 : 0);
      if (pg) {
        // unnest of arrays, not json_array_elements: the planner knows an array's length (10 rows when it
        // plans generically), where a JSON set function is always 100 rows, so one user's status update
        // hashed every task of the job (a seq scan of 2,000 tasks, 0.6 ms) instead of one index seek (0.05 ms).
        await sql`update migration_tasks as t set current_status = e.s::jsonb, updated_at = ${nowIso}, cancelled = coalesce(e.c, t.cancelled)
          from unnest(${part.map((u) => u.id)}::text[], ${part.map((u) => JSON.stringify(u.currentStatus))}::text[], ${part.map(cancelled)}::int[]) as e(id, s, c)
          where t.job_id = ${jobId} and t.id = e.id`.execute(db);
      } else {
        const rows = JSON.stringify(part.map((u) => ({ id: u.id, s: JSON.stringify(u.currentStatus), c: cancelled(u) })));
        // Materialized first: joined directly, SQLite's planner (no ANALYZE statistics) walks the job's
        // tasks and rescans the JSON for each one, 1,000 x 2,000 extractions (1.2 s) instead of 1,000 seeks.
        await sql`with e as materialized (select value ->> '$.id' as id, value ->> '$.s' as s, value ->> '$.c' as c from json_each(${rows}))
          update migration_tasks set current_status = e.s, updated_at = ${nowIso}, cancelled = coalesce(e.c, cancelled)
          from e where migration_tasks.job_id = ${jobId} and migration_tasks.id = e.id`.execute(db);
      }
    }
  },

  /** Whether the job has a user still in the batch (not cancelled). */
  async hasActiveTask(h: Db, jobId: string): Promise<boolean> {
    const db = builder(h);
    return !!(await db.selectFrom('migration_tasks').select('id').where('job_id', '=', jobId).where('cancelled', '=', 0).limit(1).executeTakeFirst());
  },

  /** One statement: every user still in the batch gets the same statuses (validate starts over). */
  async setActiveTaskStatuses(h: Db, jobId: string, status: ServiceStatusDetails[], nowIso: string): Promise<void> {
    const db = builder(h);
    await db.updateTable('migration_tasks').set({ current_status: JSON.stringify(status), updated_at: nowIso }).where('job_id', '=', jobId).where('cancelled', '=', 0).execute();
  },

  /**
   * One statement: in every active user's statuses, each workload whose status is not `keep` takes
   * `status` (and, with `reset`, an empty message and no errors); order is kept.
   */
  async mapActiveTaskStatuses(h: Db, jobId: string, o: { keep: string; status: string; reset: boolean }, nowIso: string): Promise<void> {
    const db = builder(h);
    if (isPostgres(db)) {
      const patch = JSON.stringify(o.reset ? { status: o.status, message: '', errors: [] } : { status: o.status });
      await sql`update migration_tasks set updated_at = ${nowIso}, current_status = (
          select coalesce(jsonb_agg(case when x.e->>'status' = ${o.keep} then x.e else x.e || ${patch}::jsonb end order by x.n), '[]'::jsonb)
          from jsonb_array_elements(current_status) with ordinality as x(e, n))
        where job_id = ${jobId} and cancelled = 0`.execute(db);
      return;
    }
    const changed = o.reset ? sql`json_set(e.value, '$.status', ${o.status}, '$.message', '', '$.errors', json('[]'))` : sql`json_set(e.value, '$.status', ${o.status})`;
    await sql`update migration_tasks set updated_at = ${nowIso}, current_status = (
        select coalesce(json_group_array(case when e.value ->> '$.status' = ${o.keep} then json(e.value) else ${changed} end order by e.key), '[]')
        from json_each(current_status) as e)
      where job_id = ${jobId} and cancelled = 0`.execute(db);
  },

  /** The tenant's jobs, for the paged, filtered collection. */
  list(h: Db, tenantId: string): ListSource<MigrationJobsTable> {
    const db = builder(h);
    return listSource(() => db.selectFrom('migration_jobs').selectAll().where('tenant_id', '=', tenantId),
      () => db.selectFrom('migration_jobs').where('tenant_id', '=', tenantId), db);
  },

  /**
   * Jobs read as their wire JSON (store/docs.ts), for the hot reads that return them whole: one job by
   * id, and a page of the collection (each row: `doc`, plus its sort columns for the next page's token).
   */
  docs(fields: readonly DocField[]) {
    const expressions = new WeakMap<Kysely<Database>, ReturnType<typeof docExpression>>(); // built once per store
    const shapeKey = `migration_jobs.docs:${fields.map((f) => `${f.name}=${f.column}/${f.kind}`).join(',')}`;
    const byId = prepared((db: Kysely<Database>, id: string, tenantId: string) =>
      db.selectFrom('migration_jobs').select(docExpression(db, fields).as('doc')).where('id', '=', id).where('tenant_id', '=', tenantId), ['', ''] as [string, string]);
    return {
      async byId(db: Kysely<Database>, tenantId: string, id: string): Promise<string | undefined> {
        const read = async () => (await byId.first(db, id, tenantId))?.doc;
        const cache = readCacheOf(db); // exact on both dialects: store/readCache.ts
        return cache ? cache.get(tenantId, id, read) : read();
      },
      list(db: Kysely<Database>, tenantId: string): ListSource<{ doc: string } & Record<string, unknown>> {
        let doc = expressions.get(db);
        if (!doc) expressions.set(db, (doc = docExpression(db, fields)));
        const docSql = doc;
        const source: ListSource<{ doc: string } & Record<string, unknown>> = boundListSource(db, shapeKey, [tenantId],
          (q, [tenant]) => db.selectFrom('migration_jobs').select([docSql.as('doc'), ...q.orderBy.map((o) => sql.ref(o.column).as(o.column))]).where('tenant_id', '=', tenant as string) as any,
          () => db.selectFrom('migration_jobs').where('tenant_id', '=', tenantId));
        const cache = readCacheOf(db);
        return cache ? { count: source.count, page: (q) => cache.page(tenantId, `${shapeKey}|${JSON.stringify(q)}`, () => source.page(q)) } : source;
      },
    };
  },

  /** One job's tasks (its users), for the paged, filtered collection. */
  listTasks(h: Db, jobId: string): ListSource<MigrationTasksTable> {
    const db = builder(h);
    return listSource(() => db.selectFrom('migration_tasks').selectAll().where('job_id', '=', jobId),
      () => db.selectFrom('migration_tasks').where('job_id', '=', jobId), db);
  },

  async deleteTasks(h: Db, jobId: string): Promise<void> {
    const db = builder(h);
    await db.deleteFrom('migration_tasks').where('job_id', '=', jobId).execute();
  },
};
