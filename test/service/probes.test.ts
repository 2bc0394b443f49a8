// Issue 23: what operators read. /readyz with its reasons, Prometheus /metrics (request histogram by
// route, store-wide job and work figures, cache counters), one info line per request and per job
// state change (pino's conventions).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Clock } from '../../src/clock.js';
import { createServer, type XtmServer } from '../../src/server.js';
import { EXISTENCE_ONLY, guid, jobBody, seedBasic, T } from '../helpers.js';
import { releaseTestStore, testStoreLocation } from '../pg.js';

const J = '/beta/solutions/migrations/crossTenantMigrationJobs';

describe('probes, metrics and logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-probes-'));
  const lines: Record<string, any>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) {
    for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
    done();
  } });
  let server: XtmServer;
  let url: string;
  let db: string;
  let token: string;
  before(async () => {
    db = await testStoreLocation(join(dir, 'xtm.db'));
    server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario: null }, { clock: new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') }), log: pino({ level: 'info' }, sink), validate: EXISTENCE_ONLY });
    await seedBasic(server.deps.store, { source: [], target: [guid(1), guid(2), guid(3)] });
    url = (await server.listen()).http;
    const res = await fetch(`${url}/${T.target}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: T.app, client_secret: T.secret, scope: 'https://graph.microsoft.com/.default' }) });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await server?.close();
    await releaseTestStore(db);
    rmSync(dir, { recursive: true, force: true });
  });

  it('/readyz: 200 with its checks once the runner beats', async () => {
    let r: Response;
    for (const deadline = Date.now() + 30_000; (r = await fetch(`${url}/readyz`)).status !== 200 && Date.now() < deadline;) await new Promise((x) => setTimeout(x, 100));
    const body = (await r.json()) as { status: string; checks: Record<string, string> };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.checks.store, 'ok');
    assert.equal(body.checks.schema, 'ok');
    assert.match(body.checks.worker!, /^heartbeat [\d.]+ s ago$/);
  });

  it('a job\'s state change is logged once committed, and every request in one info line', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = (await (await fetch(`${url}${J}`, { method: 'POST', headers: auth, body: JSON.stringify(jobBody()) })).json()) as { id: string };
    const v = await fetch(`${url}${J}/${created.id}/validate`, { method: 'POST', headers: auth });
    assert.ok(v.ok, String(v.status));
    const change = lines.find((l) => l.msg === 'job status changed' && l.jobId === created.id);
    assert.ok(change, 'no job status line');
    assert.deepEqual({ from: change.from, to: change.to, level: change.level }, { from: 'submitted', to: 'validateSubmitted', level: 30 });
    const req = lines.find((l) => l.msg === 'request completed' && l.req?.method === 'POST' && l.route === `${J}/:key/validate`);
    assert.ok(req, JSON.stringify(lines.filter((l) => l.msg === 'request completed').map((l) => l.route)));
    assert.equal(req.res.statusCode, v.status);
    assert.equal(typeof req.reqId, 'string');
    assert.equal(typeof req.responseTime, 'number');
  });

  it('/metrics: request histogram by route and status, jobs by status, cache counters', async () => {
    const res = await fetch(`${url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /xtm_http_request_duration_seconds_count\{route="\/beta\/solutions\/migrations\/crossTenantMigrationJobs",method="POST",status_code="201"\} 1/);
    assert.match(text, /xtm_jobs\{status="(validateSubmitted|validateProcessing|validateInProgress|validatePassed)"\} 1/);
    assert.match(text, /xtm_read_cache_(hits|misses)_total \d+/);
    assert.match(text, /xtm_process_resident_memory_bytes \d+/);
  });
});
