// /solutions/migrations/crossTenantMigrationJobs — Design B (graph-api-surface.md §5): create defines
// the batch; entity-bound validate / migrate / cancel drive it; users are the per-user tasks.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { isGuid } from '../../domain/jobInput.js';
import { MigrationAdminRoles, Permissions, principalOf } from '../auth/guard.js';
import { principalName } from '../auth/principal.js';
import { metadataContext, parseKeySegment, sendOData, withContext } from '../odataResponse.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import { parseEntityQuery, type CollectionOptions, type RawQuery } from '../odata/query.js';
import { applySelect, entityContextForSelect } from '../odata/paging.js';
import { jobsRepo, toJob, toTask } from '../../store/jobsRepo.js';
import { JOB_FIELDS, TASK_FIELDS } from './fields.js';
import { JobService } from '../../engine/jobs/jobService.js';
import { jobProgress } from '../../engine/migration/progress.js';
import { jobKeyOf } from './jobKey.js';
import { nextPageLink, progressPage } from './progressPage.js';
import { JobMessages } from '../../domain/jobStateMachine.js';
import { noParameters } from '../requestChecks.js';
import { JOB_TYPE, CreateJobBody, CancelResponseSchema, JobSchema, JOB_PROPERTIES, KeyParams, PatchJobBody, TASK_PROPERTIES, TaskSchema, UserParams, collectionOf } from './schemas.js';
import { GraphErrorBody, NoBody, NoContent, entityOf } from '../routeSchemas.js';
import { JOB_DOC, jobToGraph, taskToGraph } from './serialize.js';
import { formatOptionalDateTimeOffset } from '../../domain/dateTime.js';

const BASE = '/solutions/migrations/crossTenantMigrationJobs';
const TASK_TYPE = 'microsoft.graph.crossTenantMigrationTask';

const read = { permissions: Permissions.jobsRead, roles: MigrationAdminRoles, graphType: JOB_TYPE };
const write = { permissions: Permissions.jobsWrite, roles: MigrationAdminRoles, graphType: JOB_TYPE };

const jobCollection: CollectionOptions = {
  typeName: JOB_TYPE,
  fields: JOB_FIELDS,
  selectable: JOB_PROPERTIES,
  defaultPageSize: 20,
  maxPageSize: 999,
  defaultOrderBy: [{ field: 'createdDateTime', direction: 'desc' }],
  keyColumn: 'id',
};
const taskCollection: CollectionOptions = {
  typeName: TASK_TYPE,
  fields: TASK_FIELDS,
  selectable: TASK_PROPERTIES,
  defaultPageSize: 20,
  maxPageSize: 999,
  defaultOrderBy: [],
  keyColumn: 'position',
};

/** Both action spellings: `/validate` and `/microsoft.graph.validate`. */
const actionPaths = (suffix: string, action: string) => [`${BASE}/:key${suffix}/${action}`, `${BASE}/:key${suffix}/microsoft.graph.${action}`];

export function migrationJobRoutes(app: GraphApp, deps: AppDeps): void {
  const jobs = new JobService(deps.store, deps.clock, deps.queue, deps.config);
  const db = deps.store.db;
  const jobDocs = jobsRepo.docs(JOB_DOC);
  const tenantOf = (req: FastifyRequest) => principalOf(req).tenantId;
  const keyOf = (req: FastifyRequest) => jobKeyOf(parseKeySegment((req.params as { key: string }).key));
  const entity = (req: FastifyRequest, body: Record<string, unknown>, fragment: string, selectable: readonly string[], typeName: string) => {
    const { select } = parseEntityQuery(req.query as RawQuery, { typeName, selectable });
    return { '@odata.context': metadataContext(req, entityContextForSelect(fragment, select)), ...applySelect(body, select) };
  };
  const jobEntity = (req: FastifyRequest, job: ReturnType<typeof jobToGraph>) => entity(req, job, `${BASE.slice(1)}/$entity`, JOB_PROPERTIES, JOB_TYPE);
  const actionResult = (req: FastifyRequest, job: ReturnType<typeof jobToGraph>) => ({ '@odata.context': metadataContext(req, JOB_TYPE), ...job });

  const jobsSpec = (tenantId: string): CollectionSpec<any, Record<string, unknown>> => ({
    options: jobCollection,
    contextPath: BASE.slice(1),
    source: jobsRepo.list(db, tenantId),
    docs: jobDocs.list(db, tenantId),
    toEntity: (r) => jobToGraph(toJob(r)),
  });
  const tasksSpec = (jobId: string): CollectionSpec<any, Record<string, unknown>> => ({
    options: taskCollection,
    contextPath: `${BASE.slice(1)}('${jobId}')/users`,
    canonicalPath: `${BASE.slice(1)}('${jobId}')/users`,
    source: jobsRepo.listTasks(db, jobId),
    toEntity: (r) => taskToGraph(toTask(r)),
  });

  app.get(BASE, { config: read, schema: { response: { 200: collectionOf(JobSchema) } } }, (req, reply) => sendCollection(req, reply, jobsSpec(tenantOf(req))));
  app.get(`${BASE}/$count`, { config: read }, (req, reply) => sendCount(req, reply, jobsSpec(tenantOf(req))));

  app.post(BASE, { config: write, schema: { body: CreateJobBody, response: { 201: JobSchema } } }, async (req, reply) => {
    const body = req.body;
    const p = principalOf(req);
    const job = await jobs.create(p.tenantId, principalName(p), {
      displayName: body.displayName,
      completeAfterDateTime: body.completeAfterDateTime,
      sourceTenantId: body.sourceTenantId,
      targetTenantId: body.targetTenantId,
      exchangeSettings: body.exchangeSettings ?? null,
      workloads: body.workloads ?? undefined,
      resourceType: body.resourceType,
      resources: body.resources,
    });
    reply.header('location', `${metadataContext(req, '').replace(/\$metadata#$/, '')}${BASE.slice(1)}('${job.id}')`);
    return sendOData(reply, 201, { '@odata.context': metadataContext(req, `${BASE.slice(1)}/$entity`), ...jobToGraph(job) });
  });

  app.get(`${BASE}/:key`, { config: read, schema: { params: KeyParams, response: { 200: JobSchema } } }, async (req, reply) => {
    // The whole entity by id: the bytes the database rendered (serialize.ts JOB_DOC); else the general path.
    const key = keyOf(req);
    if (key.by !== 'displayName' && isGuid(key.value) && !parseEntityQuery(req.query as RawQuery, { typeName: JOB_TYPE, selectable: JOB_PROPERTIES }).select) {
      const doc = await jobDocs.byId(db, tenantOf(req), key.value);
      if (doc !== undefined) return sendOData(reply, 200, withContext(metadataContext(req, `${BASE.slice(1)}/$entity`), doc));
    }
    const job = await jobs.resolve(tenantOf(req), key);
    return sendOData(reply, 200, jobEntity(req, jobToGraph(job)));
  });

  // POST to the entity itself is not an operation; an unknown key (e.g. Design A's collection-bound
  // `/crossTenantMigrationJobs/validate`) is a 404, a known one a 405.
  app.post(`${BASE}/:key`, { config: write, schema: { params: KeyParams, response: { 405: GraphErrorBody } } }, async (req) => {
    await jobs.resolve(tenantOf(req), keyOf(req));
    throw Errors.methodNotAllowed('POST', req.url.split('?')[0]!);
  });

  app.patch(`${BASE}/:key`, {
    config: { ...write, bodyMessage: 'The request body must be a JSON object with completeAfterDateTime.' },
    schema: { params: KeyParams, body: PatchJobBody, response: { 204: NoContent } },
  }, async (req, reply) => {
    // The schema lets the read-only properties through so that this rule names them: they cannot change.
    for (const k of Object.keys(req.body)) if (k !== 'completeAfterDateTime' && !k.startsWith('@odata.')) throw Errors.patchOnlyCompleteAfter(k);
    if (req.body.completeAfterDateTime === undefined) throw Errors.missingProperty('completeAfterDateTime');
    await jobs.patchCompleteAfter(tenantOf(req), keyOf(req), req.body.completeAfterDateTime);
    return reply.code(204).send();
  });

  app.delete(`${BASE}/:key`, { config: write, schema: { params: KeyParams, response: { 202: NoContent } } }, async (req, reply) => {
    await jobs.delete(tenantOf(req), keyOf(req));
    return reply.code(202).send();
  });

  for (const url of actionPaths('', 'validate')) {
    app.post(url, { config: write, preValidation: noParameters('validate'), schema: { params: KeyParams, body: NoBody, response: { 200: JobSchema } } }, async (req, reply) => {
      const job = await jobs.validate(tenantOf(req), keyOf(req));
      return sendOData(reply, 200, actionResult(req, jobToGraph(job)));
    });
  }
  for (const url of actionPaths('', 'migrate')) {
    app.post(url, { config: write, preValidation: noParameters('migrate'), schema: { params: KeyParams, body: NoBody, response: { 200: JobSchema } } }, async (req, reply) => {
      const job = await jobs.migrate(tenantOf(req), keyOf(req));
      return sendOData(reply, 200, actionResult(req, jobToGraph(job)));
    });
  }
  for (const url of actionPaths('', 'cancel')) {
    app.post(url, { config: write, preValidation: noParameters('cancel'), schema: { params: KeyParams, body: NoBody, response: { 202: CancelResponseSchema } } }, async (req, reply) => {
      const job = await jobs.cancel(tenantOf(req), keyOf(req));
      // id and displayName are not members of the CSDL type, but the cancel page's example answers with them (docs/decisions.md, gap 6).
      return sendOData(reply, 202, {
        '@odata.context': metadataContext(req, 'microsoft.graph.crossTenantMigrationCancelResponse'), id: job.id, displayName: job.displayName, status: 'pendingCancel', message: JobMessages.pendingCancel,
      });
    });
  }

  app.get(`${BASE}/:key/users`, { config: read, schema: { params: KeyParams, response: { 200: collectionOf(TaskSchema) } } }, async (req, reply) => {
    const job = await jobs.resolve(tenantOf(req), keyOf(req));
    return sendCollection(req, reply, tasksSpec(job.id));
  });
  app.get(`${BASE}/:key/users/$count`, { config: read, schema: { params: KeyParams } }, async (req, reply) => {
    const job = await jobs.resolve(tenantOf(req), keyOf(req));
    return sendCount(req, reply, tasksSpec(job.id));
  });
  app.get(`${BASE}/:key/users/:userId`, { config: read, schema: { params: UserParams, response: { 200: TaskSchema } } }, async (req, reply) => {
    const job = await jobs.resolve(tenantOf(req), keyOf(req));
    const userKey = parseKeySegment(req.params.userId);
    const task = await jobsRepo.task(db, job.id, userKey.value);
    if (!task) throw Errors.taskNotFoundGet(userKey.value);
    return sendOData(reply, 200, entity(req, taskToGraph(task), `${BASE.slice(1)}('${job.id}')/users/$entity`, TASK_PROPERTIES, TASK_TYPE));
  });
  for (const url of actionPaths('/users/:userId', 'cancel')) {
    app.post(url, { config: write, preValidation: noParameters('cancel'), schema: { params: UserParams, body: NoBody, response: { 202: CancelResponseSchema } } }, async (req, reply) => {
      const { job, userId } = await jobs.cancelUser(tenantOf(req), keyOf(req), parseKeySegment(req.params.userId).value);
      return sendOData(reply, 202, {
        '@odata.context': metadataContext(req, 'microsoft.graph.crossTenantMigrationCancelResponse'),
        status: 'Accepted',
        message: `Cancellation request for user id: ${userId} from batch: ${job.id} was accepted.`,
      });
    });
  }

  // xtm extensions (namespace xtm, not Graph's): progress and reconciliation; approval of skipped items.
  app.get(`${BASE}/:key/xtm.progress`, { config: read, schema: { params: KeyParams, response: { 200: entityOf('xtm.jobProgress') } } }, async (req, reply) => {
    const job = await jobs.resolve(tenantOf(req), keyOf(req));
    const page = progressPage(req.query as RawQuery);
    const { more, ...doc } = progressTimes(await jobProgress(deps.store, job, page));
    const next = more && page ? { '@odata.nextLink': nextPageLink(req, page) } : {};
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, 'xtm.jobProgress'), ...doc, ...next });
  });
  app.post(`${BASE}/:key/xtm.approveSkippedItems`, { config: write, schema: { params: KeyParams, body: NoBody, response: { 202: CancelResponseSchema } } }, async (req, reply) => {
    const job = await jobs.approveSkippedItems(tenantOf(req), keyOf(req));
    return sendOData(reply, 202, { '@odata.context': metadataContext(req, 'microsoft.graph.crossTenantMigrationCancelResponse'), status: 'Accepted', message: `The skipped items of the users of batch ${job.id} were approved; their cutover continues.` });
  });

  // migrationsRoot (generic GET only).
  app.get('/solutions/migrations', { config: read, schema: { response: { 200: Type.Object({ '@odata.context': Type.String(), id: Type.String() }) } } }, async (req, reply) =>
    sendOData(reply, 200, { '@odata.context': metadataContext(req, 'solutions/migrations/$entity'), id: tenantOf(req) }));
}

/** xtm.progress with its sync times rendered like every Graph instant. */
function progressTimes<T extends { users: { workloads: { initialSyncDoneDateTime: string | null; lastSyncDateTime: string | null }[] }[] }>(p: T): T {
  for (const u of p.users) {
    for (const w of u.workloads) {
      w.initialSyncDoneDateTime = formatOptionalDateTimeOffset(w.initialSyncDoneDateTime);
      w.lastSyncDateTime = formatOptionalDateTimeOffset(w.lastSyncDateTime);
    }
  }
  return p;
}
