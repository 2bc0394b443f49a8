// GET /openapi.json: a valid OpenAPI 3.1 document generated from the route schemas, listing every
// Graph route xtm serves (the /beta and /v1.0 servers share one set of paths).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, type TestServer } from '../helpers.js';

let s: TestServer;
let doc: any;

before(async () => {
  s = await startServer();
  const r = await s.api('GET', '/openapi.json', { token: null });
  assert.equal(r.status, 200);
  doc = r.body;
});
after(() => s?.stop());

/** Fastify route url → OpenAPI path key, as @fastify/swagger writes it. */
const openApiPath = (url: string) => url.replace(/^\/(beta|v1\.0)/, '').replace(/\/\*$/, '/{path}').replace(/::/g, ':').replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');

test('the document is valid OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const res = await v.validate(doc);
  assert.equal(v.version, '3.1');
  assert.deepEqual(res, { valid: true });
  assert.deepEqual(doc.servers.map((x: any) => x.url), ['/beta', '/v1.0']);
});

test('every Graph route appears with its method; nothing else does', () => {
  const served = s.http.servedRoutes.filter((r) => /^\/(beta|v1\.0)\//.test(r.url));
  const missing = served.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(missing, []);
  const documented = Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  const servedKeys = new Set(served.map((r) => `${r.method} ${openApiPath(r.url)}`));
  assert.deepEqual(documented.filter((d) => !servedKeys.has(d)), [], 'documented but not served (405 fillers, admin or identity routes)');
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
  const params = doc.paths['/users/{userKey}'].get.parameters;
  assert.deepEqual(params.map((p: any) => [p.in, p.name, p.required]), [['path', 'userKey', true]]);
  const batch = doc.paths['/$batch'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(batch.required, ['requests']);
  assert.deepEqual(doc.paths['/$metadata'].get.security, [], '$metadata is anonymous');
  assert.deepEqual(doc.security, [{ bearer: [] }]);
});
