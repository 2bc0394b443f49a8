// Graph-wide conventions (graph-api-surface §10): correlation headers on every response, the error
// envelope, 404 / 405, the retired Design A validate, robustness against junk input, /healthz, and the
// admin clock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startServer, T, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, ERROR_DATE_RE, GUID_RE, storeCounts, userIds } from '../jobs/util.js';

let s: TestServer;
const users = userIds(1);

before(async () => {
  s = await startServer({ worker: false, httpsPort: 0 });
});
after(async () => {
  await s?.stop();
});

async function raw(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Buffer; token?: boolean } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== false) headers.authorization = `Bearer ${await s.token()}`;
  const res = await fetch(`${s.url}${path}`, { method, headers, body: init.body });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, text, body };
}

describe('correlation headers', () => {
  let jobId: string;
  before(async () => {
    const res = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    jobId = res.body.id;
  });

  /** A spread of successes and failures across every kind of route. */
  const requests = (): [string, string, { headers?: Record<string, string>; body?: string | Buffer; token?: boolean }?][] => [
    ['GET', B],
    ['GET', `${B}/${jobId}`],
    ['GET', `${B}/$count`],
    ['PATCH', `${B}/${jobId}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ completeAfterDateTime: '2026-12-24T00:00:00Z' }) }],
    ['GET', `${B}/nope`],
    ['GET', B, { token: false }],
    ['POST', B, { headers: { 'content-type': 'application/json' }, body: '{bad' }],
    ['PUT', `${B}/${jobId}`],
    ['GET', '/beta/does/not/exist'],
    ['GET', '/healthz', { token: false }],
    ['GET', '/xtm/admin/clock', { token: false }],
    ['GET', `/${T.target}/v2.0/.well-known/openid-configuration`, { token: false }],
    ['POST', `/${T.target}/oauth2/v2.0/token`, { token: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }],
  ];

  it('every response (success and error) has a request-id GUID; client-request-id equals it when none was sent', async () => {
    const seen = new Set<string>();
    for (const [m, p, init] of requests()) {
      const res = await raw(m, p, init);
      const rid = res.headers.get('request-id');
      assert.match(String(rid), GUID_RE, `${m} ${p} → ${res.status}`);
      assert.equal(res.headers.get('client-request-id'), rid, `${m} ${p}`);
      assert.ok(!seen.has(rid!), 'request-id is unique per request');
      seen.add(rid!);
    }
  });

  it("client-request-id echoes the request's header on every response", async () => {
    for (const [m, p, init] of requests()) {
      const cid = crypto.randomUUID();
      const res = await raw(m, p, { ...init, headers: { ...(init?.headers ?? {}), 'client-request-id': cid } });
      assert.equal(res.headers.get('client-request-id'), cid, `${m} ${p} → ${res.status}`);
      assert.notEqual(res.headers.get('request-id'), cid);
    }
  });

  it('error envelope: innerError matches the headers; date is UTC without fraction or offset', async () => {
    const cid = 'my-correlation-id';
    const res = await s.api('GET', `${B}/nope`, { headers: { 'client-request-id': cid } });
    assertGraphError(res, 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
    assert.equal(res.body.error.innerError['client-request-id'], cid);
    assert.match(res.body.error.innerError.date, ERROR_DATE_RE);
    assert.ok(Math.abs(Date.parse(`${res.body.error.innerError.date}Z`) - Date.parse(String(res.headers.get('date')))) <= 2000, 'innerError.date is the response time');
  });

  it('an over-long client-request-id is not echoed (request-id is used instead)', async () => {
    const res = await s.api('GET', `${B}/nope`, { headers: { 'client-request-id': 'x'.repeat(300) } });
    assert.equal(res.headers.get('client-request-id'), res.headers.get('request-id'));
    assertGraphError(res, 404, 'itemNotFound', /was not found/);
  });
});

describe('routing errors', () => {
  it('unknown Graph segment → 400 BadRequest naming the first one the model cannot resolve; elsewhere 404', async () => {
    for (const [p, seg] of [['/beta/nothing', 'nothing'], ['/beta/solutions/migrations/nope', 'nope'], ['/v1.0/solutions/migrations/crossTenantMigrationJobs/x/y/z', 'y'], ['/beta/users/u1/foo', 'foo']]) {
      assertGraphError(await s.api('GET', p!), 400, 'BadRequest', `Resource not found for the segment '${seg}'.`);
    }
    assertGraphError(await s.api('GET', '/nothing'), 404, 'NotFound', /^Resource not found for the segment 'nothing'\./);
  });

  it('unsupported method → 405 (PUT on a job, DELETE / PATCH / PUT on the collection, DELETE on users)', async () => {
    const job = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    const cases: [string, string][] = [['PUT', `${B}/${job.id}`], ['DELETE', B], ['PATCH', B], ['PUT', B], ['DELETE', `${B}/${job.id}/users/${job.resources[0]}`], ['PATCH', `${B}/${job.id}/users`], ['GET', `${B}/${job.id}/validate`], ['DELETE', '/beta/solutions/migrations']];
    for (const [m, p] of cases) {
      const res = await s.api(m, p, { body: m === 'GET' || m === 'DELETE' ? undefined : {} });
      assertGraphError(res, 405, 'Request_BadRequest', `The HTTP method '${m}' is not supported on '${p}'.`);
    }
    assert.equal((await s.api('GET', `${B}/${job.id}`)).body.status, 'submitted');
  });

  it('405 responses carry an Allow header (RFC 9110 §15.5.6)', async () => {
    const res = await s.api('DELETE', B);
    assert.equal(res.status, 405);
    const allow = String(res.headers.get('allow') ?? '').split(',').map((x) => x.trim()).filter(Boolean).sort();
    assert.deepEqual(allow.filter((m) => m !== 'HEAD'), ['GET', 'POST']);
  });

  it('POST to an existing job itself → 405; to an unknown key → 404', async () => {
    const job = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    assertGraphError(await s.api('POST', `${B}/${job.id}`, { body: {} }), 405, 'Request_BadRequest', `The HTTP method 'POST' is not supported on '${B}/${job.id}'.`);
  });

  it('Design A collection-bound POST …/crossTenantMigrationJobs/validate (with a job body) → 404, nothing created', async () => {
    const before = await storeCounts(s);
    for (const p of [`${B}/validate`, `${B}/microsoft.graph.validate`]) {
      assertGraphError(await s.api('POST', p, { body: jobBody({ resources: users(1) }) }), 404, 'itemNotFound', /^The crossTenantMigrationJob '(microsoft\.graph\.)?validate' was not found\.$/);
    }
    assert.deepEqual(await storeCounts(s), before);
  });

  it('a malformed percent-encoding in the path → 400 Graph error (not a framework error body)', async () => {
    const res = await s.api('GET', `${B}/%E0%A4%A`, { headers: { 'client-request-id': 'bad-url' } });
    assertGraphError(res, 400, 'BadRequest', /malformed/i);
    assert.equal(res.headers.get('client-request-id'), 'bad-url');
  });

  it('an over-long key segment → 4xx Graph error (not a framework error body)', async () => {
    const res = await s.api('GET', `${B}/${'a'.repeat(3000)}`);
    assert.ok(res.status >= 400 && res.status < 500, res.text.slice(0, 200));
    assertGraphError(res, res.status, res.body?.error?.code ?? '?', /./);
  });
});

describe('no 500 for junk input', () => {
  async function post(raw: string | Buffer, contentType = 'application/json') {
    const res = await fetch(`${s.url}${B}`, { method: 'POST', headers: { authorization: `Bearer ${await s.token()}`, 'content-type': contentType }, body: raw });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: (() => { try { return JSON.parse(text); } catch { return text; } })() };
  }

  it('random bytes as a JSON body → 400', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let i = 0; i < 5; i++) {
      const bytes = Buffer.from(Array.from({ length: 64 + i * 300 }, rnd));
      assertGraphError(await post(bytes), 400, 'BadRequest', /Unable to read JSON request payload/);
    }
  });

  it('huge displayName (> 256 chars) → 400', async () => {
    assertGraphError(await s.api('POST', B, { body: jobBody({ displayName: 'x'.repeat(257), resources: users(1) }) }), 400, 'BadRequest',
      "Invalid value for property 'displayName': must NOT have more than 256 characters", { target: 'displayName' });
    const ok = await s.api('POST', B, { body: jobBody({ displayName: 'y'.repeat(256), resources: users(1) }) });
    assert.equal(ok.status, 201, ok.text);
  });

  it('nested arrays, deep nesting, null, numbers as strings and vice versa → 4xx, never 500', async () => {
    const bodies: unknown[] = [
      jobBody({ resources: [[users(1)[0]]] }),
      jobBody({ resources: [users(1)[0], null] }),
      jobBody({ workloads: [['Teams']] }),
      jobBody({ displayName: ['a'] }),
      jobBody({ displayName: { $ne: null } }),
      jobBody({ resources: '123' }),
      jobBody({ completeAfterDateTime: 1796083200 }),
      jobBody({ sourceTenantId: 11111111 }),
      jobBody({ exchangeSettings: [] }),
      jobBody({ exchangeSettings: { sourceEndpoint: 1, targetDeliveryDomain: 2 } }),
      { ...jobBody(), resources: Array.from({ length: 3 }, () => ({})) },
    ];
    for (const b of bodies) {
      const res = await s.api('POST', B, { body: b });
      assert.equal(res.status, 400, `${JSON.stringify(b).slice(0, 200)} → ${res.text.slice(0, 200)}`);
      assertGraphError(res, 400, 'BadRequest', /./);
    }
    for (const r of ['null', '[[[[[[[[[[]]]]]]]]]]', '['.repeat(100_000) + ']'.repeat(100_000), '{"a":' .repeat(50_000) + '1' + '}'.repeat(50_000), '""', '1e999', '\u0000']) {
      const res = await post(r);
      assert.ok(res.status >= 400 && res.status < 500, `${r.slice(0, 30)} → ${res.status} ${res.text.slice(0, 200)}`);
      assertGraphError(res, res.status, 'BadRequest', /./);
    }
  });

  it('a __proto__ key does not pollute anything', async () => {
    const res = await post(JSON.stringify(jobBody({ resources: users(1) })).replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},'));
    assert.ok(res.status === 201 || res.status === 400, res.text);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('junk in the URL and query → 4xx Graph errors, never 500', async () => {
    const paths = [
      `${B}(displayName='unterminated)`, `${B}('')`, `${B}()`, `${B}(displayName=)`, `${B}(displayName='a'')`, `${B}?$filter=%27`,
      `${B}?$filter=${encodeURIComponent("displayName eq '" + 'a'.repeat(5000) + "'")}`, `${B}?$orderby=,,`, `${B}?$select=,`, `${B}?$top=1e3`,
      `${B}?$filter=${encodeURIComponent('(((((((((((((((((((((((((((((((status eq null)))))))))))))))))))))))))))))))')}`,
      `${B}?$filter=${encodeURIComponent('not '.repeat(2000) + "status eq 'submitted'")}`,
      `${B}/${encodeURIComponent('../../etc/passwd')}`, `${B}/%00`, `${B}/users`,
    ];
    for (const p of paths) {
      const res = await s.api('GET', p);
      assert.ok(res.status < 500, `${p.slice(0, 80)} → ${res.status} ${res.text.slice(0, 200)}`);
      if (res.status >= 400) assertGraphError(res, res.status, res.body?.error?.code ?? '?', /./);
    }
  });

  const UNICODE = ['Миграция №1', '東京 移行 🚀', "Zoë's batch — ünïcødé", 'עברית batch', 'ÉTÉ 2026', "Q3 (EMEA) / wave 2 ? #1 & 100% 'ok'"];
  it('unicode display names work and round-trip (GET by id, by alternate key, by bare name)', async () => {
    for (const name of UNICODE) {
      const c = await s.api('POST', B, { body: jobBody({ displayName: name, resources: users(1) }) });
      assert.equal(c.status, 201, c.text);
      assert.equal(c.body.displayName, name);
      assert.equal((await s.api('GET', `${B}/${c.body.id}`)).body.displayName, name);
      const alt = await s.api('GET', `${B}(displayName='${encodeURIComponent(name.replace(/'/g, "''"))}')`);
      assert.equal(alt.status, 200, `${name}: ${alt.text}`);
      assert.equal(alt.body.id, c.body.id);
      const bare = await s.api('GET', `${B}/${encodeURIComponent(name)}`);
      assert.equal(bare.body.id, c.body.id);
      // The alternate key is case-insensitive beyond ASCII too.
      const lower = await s.api('GET', `${B}(displayName='${encodeURIComponent(name.toLowerCase().replace(/'/g, "''"))}')`);
      assert.equal(lower.body.id, c.body.id, `${name}: ${lower.text.slice(0, 200)}`);
    }
  });

  it('$filter displayName eq / startswith matches non-ASCII names (case-insensitive like the alternate key)', async () => {
    for (const name of UNICODE) {
      const id = (await s.api('GET', `${B}(displayName='${encodeURIComponent(name.replace(/'/g, "''"))}')`)).body.id;
      const lit = name.replace(/'/g, "''");
      const prefix = name.slice(0, 4).replace(/'/g, "''");
      for (const f of [`displayName eq '${lit}'`, `startswith(displayName,'${prefix}')`]) {
        const res = await s.api('GET', `${B}?$filter=${encodeURIComponent(f)}`);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.value.map((j: { id: string }) => j.id), [id], `$filter=${f}`);
      }
    }
  });
});

describe('health and admin clock', () => {
  it('GET /healthz → 200 without a token', async () => {
    const res = await s.api('GET', '/healthz', { token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('POST /xtm/admin/work/drain runs due work', async () => {
    const job = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    await s.api('POST', `${B}/${job.id}/cancel`);
    const res = await s.api('POST', '/xtm/admin/work/drain', { token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { drained: true });
    assert.equal((await s.api('GET', `${B}/${job.id}`)).body.status, 'cancelled');
  });

  it('GET /xtm/admin/clock shows the manual clock', async () => {
    const res = await s.api('GET', '/xtm/admin/clock', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.mode, 'manual');
    assert.equal(res.body.factor, 0);
    assert.equal(res.body.now, s.clock.iso());
    const again = await s.api('GET', '/xtm/admin/clock', { token: null });
    assert.equal(again.body.now, res.body.now, 'a GET does not move time');
  });

  it("POST advance {by:'P1D'} moves now by one day (and the Graph API sees it); {by: ms} too", async () => {
    const before = s.clock.nowMs();
    const res = await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1D' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(Date.parse(res.body.now) - before, 24 * 3600 * 1000);
    assert.equal(s.clock.nowMs() - before, 24 * 3600 * 1000);
    const c = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    assert.equal(Date.parse(c.body.createdDateTime), Date.parse(res.body.now));
    const ms = await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 90_000 } });
    assert.equal(Date.parse(ms.body.now) - Date.parse(res.body.now), 90_000);
    const iso = await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'PT2H30M' } });
    assert.equal(Date.parse(iso.body.now) - Date.parse(ms.body.now), 2.5 * 3600 * 1000);
  });

  it("POST advance {to: later} jumps; {to: earlier} → 400 and time does not move", async () => {
    const target = new Date(s.clock.nowMs() + 3 * 3600 * 1000).toISOString();
    const res = await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { to: target } });
    assert.equal(res.status, 200);
    assert.equal(res.body.now, target);
    const now = s.clock.iso();
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { to: '2026-01-01T00:00:00Z' } }), 400, 'BadRequest', 'the clock cannot go backwards');
    assert.equal(s.clock.iso(), now);
  });

  it('bad durations and bodies → 400', async () => {
    const now = s.clock.iso();
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: '1 day' } }), 400, 'BadRequest',
      "Invalid value for property 'by': '1 day' is not an ISO-8601 duration like P1D or PT2H30M.", { target: 'by' });
    for (const by of ['P', 'PT', 'P1DT', '-P1D', 'P1Y']) {
      assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by } }), 400, 'BadRequest', new RegExp(`'${by}' is not an ISO-8601 duration`));
    }
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: {} }), 400, 'BadRequest', "Give exactly one of 'by' (ISO-8601 duration or milliseconds) or 'to' (DateTimeOffset).");
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1D', to: '2030-01-01T00:00:00Z' } }), 400, 'BadRequest', /^Give exactly one of/);
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: -5 } }), 400, 'BadRequest', /^Invalid value for property 'by'/);
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { to: 'tomorrow' } }), 400, 'BadRequest', /^Invalid value for property 'to'/);
    assertGraphError(await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1D', extra: 1 } }), 400, 'BadRequest', /'extra'/);
    assert.equal(s.clock.iso(), now, 'refused advances do not move time');
  });
});

describe('links use the request origin', () => {
  function get(mod: 'http' | 'https', port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const opts = { host: '127.0.0.1', port, path, method: 'GET', headers, ...(mod === 'https' ? { ca: s.tls!.ca } : {}) };
      const req = (mod === 'https' ? httpsRequest : httpRequest)(opts, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('@odata.context, @odata.nextLink and the token issuer follow the https listener', async () => {
    for (let i = 0; i < 2; i++) await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    const port = (s.https!.server.address() as AddressInfo).port;
    const origin = `https://127.0.0.1:${port}`;
    const res = await get('https', port, `${B}?$top=1`, { authorization: `Bearer ${await s.token()}` });
    assert.equal(res.status, 200);
    assert.equal(res.body['@odata.context'], `${origin}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs`);
    assert.ok(String(res.body['@odata.nextLink']).startsWith(`${origin}${B}?$top=1&$skiptoken=`), res.body['@odata.nextLink']);
    const oidc = await get('https', port, `/${T.target}/v2.0/.well-known/openid-configuration`, {});
    assert.equal(oidc.body.issuer, `${origin}/${T.target}/v2.0`);
    assert.equal(oidc.body.token_endpoint, `${origin}/${T.target}/oauth2/v2.0/token`);
  });

  it('@odata.context follows the Host header on http', async () => {
    const port = Number(new URL(s.url).port);
    const res = await get('http', port, `${B}?$top=1`, { host: 'graph.example.test:8080', authorization: `Bearer ${await s.token()}` });
    assert.equal(res.status, 200);
    assert.equal(res.body['@odata.context'], `http://graph.example.test:8080/beta/$metadata#solutions/migrations/crossTenantMigrationJobs`);
    assert.ok(String(res.body['@odata.nextLink']).startsWith(`http://graph.example.test:8080${B}?`));
  });
});
