// Table-driven fuzzing of the whole surface (issue 16): every route xtm serves (Graph under /beta and
// /v1.0, identity, admin), every body-taking method with malformed and hostile bodies, odd headers and
// URLs. Whatever comes in, the answer is never a 500, and every error is Graph's envelope with innerError.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { T, type TestServer } from '../helpers.js';
import { startWorld } from '../graph/fixtures.js';

let s: TestServer;
before(async () => {
  s = await startWorld({ worker: false });
});
after(() => s.stop());

const PARAM_VALUES = ['x', T.source, "it's%00", 'a'.repeat(300)];
const BODIES: [string, string][] = [
  ['application/json', '{bad'],
  ['application/json', '[1,2,3]'],
  ['application/json', '"text"'],
  ['application/json', '{"__proto__":{"polluted":true}}'],
  ['application/json', '{"displayName":"a","displayName":"b"}'],
  ['application/json', '{"displayName":"nul\\u0000","id":"\\u0001"}'],
  ['application/json', '{"@odata.type":"#microsoft.graph.user","x":{"y":[null,{}]}}'],
  ['application/json', '['.repeat(2000) + ']'.repeat(2000)],
  ['application/x-www-form-urlencoded', 'a=1&b=2'],
  ['text/xml', '<x/>'],
];
const QUERIES = ['?$filter=garbage((', '?$top=-1&$skip=abc&$select=nope&$orderby=zz%20up', '?$skiptoken=%00%ff', '?$expand=*&$search=x'];

function fill(url: string, v: string): string {
  return url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(v)).replace(/\*$/, 'x');
}

async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(`${s.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, ct: res.headers.get('content-type') ?? '', rid: res.headers.get('request-id') };
}

function assertGraphAnswer(r: { status: number; text: string; ct: string; rid: string | null }, what: string): void {
  assert.ok(r.status < 500, `${what} → ${r.status} ${r.text.slice(0, 300)}`);
  assert.ok(r.rid, `${what}: no request-id`);
  if (r.status >= 400 && r.ct.startsWith('application/json')) {
    const body = JSON.parse(r.text);
    // The identity platform answers in its own OAuth format; everything else in Graph's envelope.
    if (body.error_description !== undefined) return;
    assert.ok(body.error?.code && typeof body.error.message === 'string', `${what}: not a Graph error: ${r.text.slice(0, 200)}`);
    assert.ok(body.error.innerError?.['request-id'], `${what}: no innerError`);
  }
}

describe('fuzz: every route, method, body, header and URL', () => {
  it('no 500s and Graph error envelopes across the whole surface', async () => {
    const token = await s.token();
    // /readyz answers 503 by contract while no runner beats (this server's runner may still be starting).
    const routes = s.http.servedRoutes.filter((r) => (!r.url.includes('/oauth2/') || r.method === 'POST') && r.url !== '/readyz');
    assert.ok(routes.length > 100, `only ${routes.length} routes`);
    let n = 0;
    for (const r of routes) {
      const auth = r.url.startsWith('/xtm/admin') ? `Bearer ${s.admin!.key}` : `Bearer ${token}`;
      const base = { authorization: auth };
      for (const [i, v] of PARAM_VALUES.entries()) {
        const path = fill(r.url, v);
        const what = `${r.method} ${path.slice(0, 120)}`;
        if (r.method === 'GET' || r.method === 'DELETE') {
          assertGraphAnswer(await send(r.method, path + (QUERIES[i % QUERIES.length] ?? ''), base), what);
          n++;
          continue;
        }
        // body-taking methods: every malformed body on the first parameter value, one on the others
        const bodies = i === 0 ? BODIES : [BODIES[(i * 3) % BODIES.length]!];
        for (const [ct, body] of bodies) {
          assertGraphAnswer(await send(r.method, path, { ...base, 'content-type': ct }, body), `${what} ${ct} ${body.slice(0, 40)}`);
          n++;
        }
      }
    }
    assert.ok(n > 500, `only ${n} requests`);
  });

  it('odd headers and URLs on Graph, admin and identity paths', async () => {
    const token = await s.token();
    const paths = ['/beta/solutions/migrations/crossTenantMigrationJobs', '/v1.0/users', '/xtm/admin/clock', `/${T.target}/v2.0/.well-known/openid-configuration`, '/healthz', '/nowhere'];
    const headerSets: Record<string, string>[] = [
      { authorization: 'Bearer' },
      { authorization: 'Basic Zm9vOmJhcg==' },
      { authorization: `Bearer ${token}x` },
      { authorization: `Bearer ${token}`, 'client-request-id': 'c'.repeat(2000) },
      { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=latin1' },
      { authorization: `Bearer ${token}`, accept: 'application/xml' },
      { authorization: `Bearer ${token}`, 'content-length': '0' },
    ];
    for (const p of paths) {
      for (const h of headerSets) assertGraphAnswer(await send('GET', p, h), `GET ${p} ${JSON.stringify(h).slice(0, 60)}`);
      for (const suffix of ['/%', '/%00', '/..%2f..%2fetc', '?%%', `/${'x'.repeat(3000)}`, "('quote')", '/$count/$count', '//x//y']) {
        assertGraphAnswer(await send('GET', p + suffix, { authorization: `Bearer ${token}` }), `GET ${p}${suffix.slice(0, 40)}`);
      }
      for (const m of ['PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS']) {
        assertGraphAnswer(await send(m, p, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, m === 'OPTIONS' ? undefined : '{}'), `${m} ${p}`);
      }
    }
  });
});
