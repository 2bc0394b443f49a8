// /solutions/sharePoint and /solutions/sharePoint/migrations/crossOrganizationMigrationTasks
// (graph-api-surface.md §8.1–8.4, S1–S7): create (200; validateOnly stores nothing), get by id, the
// three getBySource… functions (literal or parameter alias), list, $count, cancel. Tasks belong to
// the caller's tenant: the source tenant, as the docs describe.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { principalOf } from '../auth/guard.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import type { CollectionOptions } from '../odata/query.js';
import type { FieldMap } from '../odata/fields.js';
import { noParameters } from '../requestChecks.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { SpoTaskService, errorOf } from '../../engine/odsp/spoTaskService.js';
import { SpoTaskStatuses, type SpoTaskType } from '../../domain/spoMigrationTask.js';
import { ROOT, TASKS, sendEntity, spManage, spRead } from './common.js';
import { TASK_PROPERTIES, TASK_TYPE, parametersToGraph, taskToGraph } from './taskSerialize.js';
import { parseCreateTask } from './taskBody.js';
import { CreateTaskBody, KeyParams } from './schemas.js';
import { NoBody, NoContent, entityOf } from '../routeSchemas.js';

const FIELDS: FieldMap = {
  id: { column: 'id', type: 'string' },
  status: { column: 'status', type: 'enum', enumValues: SpoTaskStatuses },
  startedDateTime: { column: 'started_at', type: 'datetime' },
  lastUpdatedDateTime: { column: 'updated_at', type: 'datetime' },
  finishedDateTime: { column: 'finished_at', type: 'datetime' },
};
const options: CollectionOptions = {
  typeName: TASK_TYPE, fields: FIELDS, selectable: TASK_PROPERTIES, defaultPageSize: 20, maxPageSize: 999,
  defaultOrderBy: [{ field: 'lastUpdatedDateTime', direction: 'desc' }], keyColumn: 'id',
};

/** getBySource… functions: name → (parameter, task type). */
const FUNCTIONS: Record<string, { param: string; type: SpoTaskType }> = {
  getbysourceuserprincipalname: { param: 'sourcePrincipalName', type: 'user' },
  getbysourcesiteurl: { param: 'sourceSiteUrl', type: 'site' },
  getbysourcegroupmailnickname: { param: 'sourceGroupMailNickname', type: 'group' },
};

const notFound = Errors.spoTaskNotFound;

/** `name(param='v')` or `name(param=@alias)` with `?@alias='v'`; undefined when the segment is not a function call. */
function functionCall(req: FastifyRequest, raw: string): { fn: string; type: SpoTaskType; value: string } | undefined {
  const m = /^(?:microsoft\.graph\.)?(getBySource\w+)\((.*)\)$/is.exec(raw);
  if (!m) return undefined;
  const def = FUNCTIONS[m[1]!.toLowerCase()];
  if (!def) throw Errors.badRequest(`'${m[1]}' is not a function bound to crossOrganizationMigrationTasks.`);
  const arg = /^\s*(\w+)\s*=\s*(.*?)\s*$/s.exec(m[2]!);
  if (!arg || arg[1] !== def.param) throw Errors.badRequest(`The function '${m[1]}' takes one parameter, ${def.param}.`, def.param);
  let literal = arg[2]!;
  if (literal.startsWith('@')) {
    const v = (req.query as Record<string, unknown>)[literal];
    if (typeof v !== 'string') throw Errors.badRequest(`The parameter alias '${literal}' has no value in the query string.`, def.param);
    literal = v;
  }
  const q = /^'((?:[^']|'')*)'$/s.exec(literal);
  if (!q) throw Errors.badRequest(`The value of ${def.param} must be a string literal in single quotes.`, def.param);
  return { fn: m[1]!, type: def.type, value: q[1]!.replace(/''/g, "'") };
}

export function spoTaskRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const service = new SpoTaskService(deps.store, deps.clock, deps.queue);
  const tenantOf = (req: FastifyRequest) => principalOf(req).tenantId;
  const read = spRead(TASK_TYPE);
  const manage = spManage(TASK_TYPE);
  const spec = (req: FastifyRequest): CollectionSpec<any, Record<string, unknown>> => ({
    options, contextPath: TASKS.slice(1), source: spoMigrationRepo.list(db, tenantOf(req)), toEntity: taskToGraph,
  });

  app.get('/solutions/sharePoint', { config: read }, async (req, reply) =>
    sendOData(reply, 200, { '@odata.context': metadataContext(req, 'solutions/sharePoint/$entity'), id: tenantOf(req) }));
  app.get(ROOT, { config: read }, async (req, reply) =>
    sendOData(reply, 200, { '@odata.context': metadataContext(req, `${ROOT.slice(1)}/$entity`), id: tenantOf(req) }));

  app.get(TASKS, { config: read }, (req, reply) => sendCollection(req, reply, spec(req)));
  app.get(`${TASKS}/$count`, { config: read }, (req, reply) => sendCount(req, reply, spec(req)));

  app.post(TASKS, { config: { ...manage, bodyMessage: 'The request body must be a JSON object with parameters.' }, schema: { body: CreateTaskBody, response: { 200: entityOf(TASK_TYPE) } } }, async (req, reply) => {
    const { request, parameters } = parseCreateTask(req.body);
    const r = await service.create(tenantOf(req), request, parameters);
    if (r.validateOnly) {
      // Nothing is stored: no id; completed when every check passes, failed with each MnA* failure otherwise.
      const { findings, echo } = r.validateOnly;
      const body: Record<string, unknown> = { status: findings.length ? 'failed' : 'completed', parameters: parametersToGraph(parameters, echo) };
      if (findings.length) body.error = errorOf(findings);
      return sendOData(reply, 200, { '@odata.context': metadataContext(req, `${TASKS.slice(1)}/$entity`), ...body });
    }
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, `${TASKS.slice(1)}/$entity`), ...taskToGraph(r.task!) });
  });

  const byFunction = async (req: FastifyRequest, reply: FastifyReply, raw: string) => {
    const call = functionCall(req, raw)!;
    const task = await spoMigrationRepo.latestBySource(db, tenantOf(req), call.type, call.type === 'site' ? call.value.replace(/\/+$/, '') : call.value);
    if (!task) throw Errors.spoTaskNotFoundBySource(FUNCTIONS[call.fn.toLowerCase()]!.param, call.value);
    return sendEntity(req, reply, taskToGraph(task), TASK_TYPE, TASK_TYPE, TASK_PROPERTIES);
  };
  // `getBySource…(param='…')`: the router names the parameter `args)` and keeps the closing parenthesis.
  for (const fn of ['getBySourceUserPrincipalName', 'getBySourceSiteUrl', 'getBySourceGroupMailNickname']) {
    app.get(`${TASKS}/${fn}(:args)`, { config: read }, (req, reply) => byFunction(req, reply, `${fn}(${(req.params as Record<string, string>)['args)'] ?? ''}`));
  }

  app.get(`${TASKS}/:key`, { config: read, schema: { params: KeyParams } }, async (req, reply) => {
    const raw = (req.params as { key: string }).key;
    if (functionCall(req, raw)) return byFunction(req, reply, raw);
    const id = raw.replace(/^'(.*)'$/s, '$1');
    const task = await spoMigrationRepo.byId(db, tenantOf(req), id);
    if (!task) throw notFound(id);
    return sendEntity(req, reply, taskToGraph(task), `${TASKS.slice(1)}/$entity`, TASK_TYPE, TASK_PROPERTIES);
  });

  for (const action of ['cancel', 'microsoft.graph.cancel']) {
    app.post(`${TASKS}/:key/${action}`, { config: manage, preValidation: noParameters('cancel'), schema: { params: KeyParams, body: NoBody, response: { 204: NoContent } } }, async (req, reply) => {
      await service.cancel(tenantOf(req), (req.params as { key: string }).key.replace(/^'(.*)'$/s, '$1'));
      return reply.code(204).send();
    });
  }
}
