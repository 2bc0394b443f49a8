// GET /openapi.json: a valid OpenAPI 3.1 document generated from the route schemas, listing every route
// xtm serves — Graph under the /beta and /v1.0 servers, the identity platform, probes and the admin API
// from the root — and every route declares a request and a response schema (schema-first, issue 21).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, type TestServer } from '../helpers.js';
import type { ServedRoute } from '../../src/graph/app.js';

let s: TestServer;
let doc: any;

before(async () => {
  s = await startServer();
  const r = await s.api('GET', '/openapi.json', { token: null });
  assert.equal(r.status, 200);
  doc = r.body;
});
after(() => s?.stop());

const GRAPH = /^\/(beta|v1\.0)\//;
/** Fastify route url → OpenAPI path key, as @fastify/swagger writes it. */
const openApiPath = (url: string) => url.replace(/^\/(beta|v1\.0)/, '').replace(/\/\*$/, '/{path}').replace(/::/g, ':').replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
const documentedRoutes = () => s.http.servedRoutes.filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide);

/** What a route lacks: a request schema (params, querystring or body) and a response schema with a success status. */
export function missingSchemas(routes: readonly ServedRoute[]): string[] {
  const out: string[] = [];
  for (const r of routes) {
    const schema = (r.schema ?? {}) as Record<string, unknown> & { response?: Record<string, unknown> };
    const request = schema.params !== undefined || schema.querystring !== undefined || schema.body !== undefined;
    const response = Object.keys(schema.response ?? {}).some((k) => k !== 'default');
    if (!request) out.push(`${r.method} ${r.url}: no request schema`);
    if (!response) out.push(`${r.method} ${r.url}: no response schema`);
  }
  return out;
}

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const res = await v.validate(doc);
  assert.equal(v.version, '3.1');
  assert.deepEqual(res, { valid: true });
  assert.deepEqual(doc.servers.map((x: any) => x.url), ['/beta', '/v1.0']);
});

test('every route appears with its method (admin, identity and probes from the root); nothing else does', () => {
  const served = documentedRoutes();
  const missing = served.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(missing, []);
  const documented = Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) => Object.keys(ops).filter((m) => m !== 'servers').map((m) => `${m.toUpperCase()} ${p}`));
  const servedKeys = new Set(served.map((r) => `${r.method} ${openApiPath(r.url)}`));
  assert.deepEqual(documented.filter((d) => !servedKeys.has(d)), [], 'documented but not served (405 fillers)');
  for (const r of served.filter((x) => !GRAPH.test(x.url))) assert.deepEqual(doc.paths[openApiPath(r.url)].servers, [{ url: '/' }], `${r.method} ${r.url} is served from the root`);
  for (const area of ['/xtm/admin/tenants/{tenant}/users', '/solutions/sharePoint/migrations/crossOrganizationMigrationTasks', '/users/{userKey}/mailFolders', '/xtm/admin/clock/advance']) assert.ok(doc.paths[area], area);
});

test('every route declares a request and a response schema: none without', () => {
  const missing = missingSchemas(documentedRoutes());
  assert.deepEqual(missing, []);
  assert.equal(missing.length, 0);
  // The hidden /openapi.json is described too.
  assert.deepEqual(missingSchemas(s.http.servedRoutes), []);
});

test('the check itself finds a route without schemas', () => {
  assert.deepEqual(missingSchemas([{ method: 'GET', url: '/x', schema: {} }, { method: 'POST', url: '/y', schema: { body: {}, response: { default: {} } } }]),
    ['GET /x: no request schema', 'GET /x: no response schema', 'POST /y: no response schema']);
});

test('operations carry the schemas that validate requests and shape responses', () => {
  const create = doc.paths['/solutions/migrations/crossTenantMigrationJobs'].post;
  const body = create.requestBody.content['application/json'].schema;
  assert.deepEqual([...body.required].sort(), ['completeAfterDateTime', 'displayName', 'resourceType', 'resources', 'sourceTenantId']);
  assert.equal(body.additionalProperties, false);
  assert.equal(body.properties.completeAfterDateTime.format, 'date-time');
  const job = create.responses['201'].content['application/json'].schema;
  const status = job.properties.status;
  assert.ok(status.enum?.includes('validatePassed') || status.anyOf?.some((x: any) => x.const === 'validatePassed' || x.enum?.includes('validatePassed')), JSON.stringify(status));
  assert.equal(create.responses.default.content['application/json'].schema.properties.error.properties.innerError.type, 'object', 'errors are the Graph envelope');
  const params = doc.paths['/users/{userKey}'].get.parameters;
  assert.deepEqual(params.filter((p: any) => p.in === 'path').map((p: any) => [p.in, p.name, p.required]), [['path', 'userKey', true]]);
  assert.ok(params.some((p: any) => p.in === 'query' && p.name === '$select'), 'OData query options');
  const user = doc.paths['/users/{userKey}'].get.responses['200'].content['application/json'].schema;
  assert.ok([user.properties.userPrincipalName.type].flat().includes('string'), 'a directory read is typed from the $metadata model');
  const folders = doc.paths['/users/{userKey}/mailFolders'].get.responses['200'].content['application/json'].schema;
  assert.equal(folders.properties.value.items.description, 'microsoft.graph.mailFolder');
  const batch = doc.paths['/$batch'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(batch.required, ['requests']);
  assert.deepEqual(doc.paths['/$metadata'].get.security, [], '$metadata is anonymous');
  assert.deepEqual(doc.security, [{ bearer: [] }]);
});
