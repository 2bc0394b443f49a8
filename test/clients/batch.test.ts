// POST /$batch over HTTP: documented response shape, dependsOn ordering and 424, inner requests
// authorised and validated like direct calls, and the whole-batch 400s (size, ids, dependsOn).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guid, jobBody, startServer, T, type TestServer } from '../helpers.js';

let s: TestServer;
const J = '/solutions/migrations/crossTenantMigrationJobs';
const batch = (requests: unknown[], token?: string | null) => s.api('POST', '/beta/$batch', { body: { requests }, ...(token === undefined ? {} : { token }) });
const byId = (body: any, id: string) => body.responses.find((r: any) => r.id === id);

before(async () => {
  s = await startServer();
});
after(() => s?.stop());

test('a dependent create → validate → get chain answers in the documented shape', async () => {
  const create = await s.api('POST', `/beta${J}`, { body: jobBody({ displayName: 'batch target' }) });
  const id = create.body.id;
  const r = await batch([
    { id: '1', method: 'GET', url: `${J}/${id}` },
    { id: '2', dependsOn: ['1'], method: 'POST', url: `${J}/${id}/validate`, headers: { 'Content-Type': 'application/json' }, body: {} },
    { id: '3', dependsOn: ['2'], method: 'GET', url: `${J}/${id}/users?$top=1` },
    { id: '4', method: 'GET', url: `${J}/$count` },
  ]);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type')!, /^application\/json/);
  assert.deepEqual(r.body.responses.map((x: any) => x.id), ['1', '2', '3', '4']);
  const one = byId(r.body, '1');
  assert.equal(one.status, 200);
  assert.match(one.headers['Content-Type'], /odata.metadata=minimal/);
  assert.equal(one.headers['OData-Version'], '4.0');
  assert.equal(one.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs/$entity`);
  assert.equal(one.body.status, 'submitted');
  assert.equal(byId(r.body, '2').body.status, 'validateSubmitted');
  assert.equal(byId(r.body, '3').body.value.length, 1);
  assert.match(byId(r.body, '3').body['@odata.nextLink'], new RegExp(`^${s.url}/beta/`));
  assert.equal(byId(r.body, '4').body, '1');
  for (const x of r.body.responses) assert.ok(x.headers['request-id']);
});

test('a failed request makes its dependants 424; independent requests still run', async () => {
  const r = await batch([
    { id: 'a', method: 'GET', url: `${J}/${guid(999)}` },
    { id: 'b', dependsOn: ['a'], method: 'GET', url: J },
    { id: 'c', method: 'GET', url: '/solutions/migrations' },
  ]);
  assert.equal(r.status, 200);
  const a = byId(r.body, 'a');
  assert.equal(a.status, 404);
  assert.equal(a.body.error.code, 'itemNotFound');
  assert.ok(a.body.error.innerError['request-id']);
  const b = byId(r.body, 'b');
  assert.equal(b.status, 424);
  assert.equal(b.body.error.code, 'FailedDependency');
  assert.equal(byId(r.body, 'c').status, 200);
});

test('inner requests are authorised and validated like direct calls', async () => {
  const reader = await s.token(T.target, T.readApp);
  const r = await batch([
    { id: '1', method: 'GET', url: J },
    { id: '2', method: 'POST', url: J, headers: { 'content-type': 'application/json' }, body: jobBody() },
  ], reader);
  assert.equal(byId(r.body, '1').status, 200);
  assert.equal(byId(r.body, '2').status, 403);
  assert.equal(byId(r.body, '2').body.error.code, 'Authorization_RequestDenied');
  const bad = await batch([{ id: '1', method: 'POST', url: J, headers: { 'content-type': 'application/json' }, body: { ...jobBody(), bogus: 1 } }]);
  assert.equal(byId(bad.body, '1').status, 400);
  assert.match(byId(bad.body, '1').body.error.message, /The property 'bogus' does not exist/);
  const unknown = await batch([{ id: '1', method: 'GET', url: '/nothingHere' }, { id: '2', method: 'PUT', url: J, headers: { 'content-type': 'application/json' }, body: {} }]);
  assert.equal(byId(unknown.body, '1').status, 400, 'an unknown Graph segment is a 400 BadRequest, as on graph.microsoft.com');
  assert.equal(byId(unknown.body, '2').status, 405);
  const noToken = await batch([{ id: '1', method: 'GET', url: J }], null);
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.error.code, 'InvalidAuthenticationToken');
});

test('urls: versioned, without leading slash, and never outside the Graph surface', async () => {
  const r = await batch([
    { id: '1', method: 'GET', url: '/beta/solutions/migrations' },
    { id: '2', method: 'GET', url: 'solutions/migrations' },
    { id: '3', method: 'POST', url: '/../xtm/admin/clock/advance', headers: { 'content-type': 'application/json' }, body: { by: 'P1D' } },
    { id: '4', method: 'GET', url: 'https://graph.microsoft.com/beta/users' },
    { id: '5', method: 'POST', url: '/$batch', headers: { 'content-type': 'application/json' }, body: { requests: [] } },
  ]);
  assert.equal(byId(r.body, '1').status, 200);
  assert.equal(byId(r.body, '2').status, 200);
  for (const id of ['3', '4', '5']) assert.equal(byId(r.body, id).status, 400, id);
  const v1 = await s.api('POST', '/v1.0/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/solutions/migrations' }] } });
  assert.match(v1.body.responses[0].body['@odata.context'], /\/v1\.0\/\$metadata#/);
});

test('a malformed batch is one 400 and nothing in it runs', async () => {
  const before = (await s.api('GET', `/beta${J}/$count`)).text;
  const create = (id: string, extra: Record<string, unknown> = {}) => ({ id, method: 'POST', url: J, headers: { 'content-type': 'application/json' }, body: jobBody(), ...extra });
  const cases: [string, unknown[], RegExp][] = [
    ['over 20', Array.from({ length: 21 }, (_, i) => create(String(i))), /at most 20/],
    ['duplicate ids (case-insensitive)', [create('A'), create('a')], /unique/],
    ['unknown dependsOn', [create('1', { dependsOn: ['9'] })], /not a request of this batch/],
    ['cycle', [create('1', { dependsOn: ['3'] }), create('2', { dependsOn: ['1'] }), create('3', { dependsOn: ['2'] })], /cycle: 1 -> 3 -> 2 -> 1|cycle/],
    ['self dependency', [create('1', { dependsOn: ['1'] })], /depends on itself/],
    ['body without content-type', [{ id: '1', method: 'POST', url: J, body: jobBody() }], /Content-Type/],
    ['unsupported method', [{ id: '1', method: 'TRACE', url: J }], /not supported/],
    ['empty', [], /at least one/],
  ];
  for (const [name, requests, message] of cases) {
    const r = await batch(requests);
    assert.equal(r.status, 400, name);
    assert.equal(r.body.error.code, 'BadRequest', name);
    assert.match(r.body.error.message, message, name);
    assert.ok(r.body.error.innerError['request-id'], name);
  }
  const missingId = await s.api('POST', '/beta/$batch', { body: { requests: [{ method: 'GET', url: J }] } });
  assert.equal(missingId.status, 400);
  assert.match(missingId.body.error.message, /id/);
  const notJson = await s.api('POST', '/beta/$batch', { raw: '{"requests": [', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.status, 400);
  assert.equal((await s.api('GET', `/beta${J}/$count`)).text, before);
});
