// Issue 24: job commands over the Graph API with the CLI's own token, exit codes scripts rely on
// (0 done, 1 the server said no / the job failed, 2 usage or unreachable), errors with the Graph
// message and a hint, `jobs watch` as a pipe (one line per change), every command finding the server
// from the data directory, and the clock / seed / identity-map fixes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDemo, xtm, type Served } from './serve.js';

describe('xtm jobs, users, sp against a running server', () => {
  let s: Served;
  before(async () => {
    s = await serveDemo();
  });
  after(() => s.stop());
  const d = () => ['--data-dir', s.dir];

  it('usage errors exit 2, an unreachable server names the URL it tried', () => {
    const unknown = xtm('no-such-command');
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.equal(xtm('jobs', 'show').status, 2); // missing argument
    const down = xtm('jobs', 'list', '--url', 'http://127.0.0.1:1');
    assert.equal(down.status, 2);
    assert.match(down.stderr, /cannot reach the xtm server at http:\/\/127\.0\.0\.1:1 /);
    const idmap = xtm('identity-map', 'export', '--tenant', 'fabrikam.onmicrosoft.com', '--port', '1');
    assert.equal(idmap.status, 2);
    assert.match(idmap.stderr, /cannot reach the xtm server at http:\/\/127\.0\.0\.1:1 /);
  });

  it('create, validate (--wait exits 1 with a user not ready), the reasons per user, fix, validate, migrate, watch to completion', async () => {
    assert.deepEqual(JSON.parse(xtm('jobs', 'list', '--json', ...d()).stdout), []);
    const created = xtm('jobs', 'create', '--file', 'examples/wave-1.json', '--json', ...d());
    assert.equal(created.status, 0, created.stderr);
    const id = JSON.parse(created.stdout).id as string;
    const again = xtm('jobs', 'create', '--file', 'examples/wave-1.json', ...d());
    assert.equal(again.status, 1);
    assert.match(again.stderr, /→ 422 BadArgument: displayName already exists/); // the Graph error's code and message, then a hint
    assert.match(again.stderr, /^hint: /m);

    const v = xtm('jobs', 'validate', 'Wave 1', '--wait', '--interval', '200', ...d());
    assert.equal(v.status, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /validateFailed/);
    const users = JSON.parse(xtm('users', 'list', id, '--json', ...d()).stdout) as { id: string; currentStatus: { service: string; errors: { code: string }[] }[] }[];
    assert.equal(users.length, 3);
    assert.ok(users.some((u) => u.currentStatus.some((c) => c.errors.some((e) => e.code === 'EXCH-08'))));

    const res = await fetch(`${s.url}/xtm/admin/tenants/contoso.onmicrosoft.com/recipients/fault-litigation-hold@contoso.com`, {
      method: 'PATCH', headers: { authorization: `Bearer ${s.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ holds: { litigationHoldEnabled: false } }),
    });
    assert.equal(res.status, 200);
    assert.equal(xtm('jobs', 'validate', 'Wave 1', '--wait', '--interval', '200', ...d()).status, 0);
    assert.equal(xtm('jobs', 'migrate', 'Wave 1', '--wait', '--interval', '200', ...d()).status, 0);
    const clock = xtm('clock', 'advance', 'P60D', '--json', ...d());
    assert.equal(clock.status, 0, clock.stderr);
    assert.equal(JSON.parse(clock.stdout).mode, 'manual');

    const w = xtm('jobs', 'watch', 'Wave 1', '--interval', '200', ...d());
    assert.equal(w.status, 0, w.stderr);
    const lines = w.stdout.trim().split('\n');
    assert.match(lines.at(-1)!, /Wave 1: completed users: completed 3 \| exchange (\d+)\/\1 100%/i);
    // One line per change: no line repeats the one before it (the timestamp aside).
    const bodies = lines.filter((l) => !l.startsWith('!')).map((l) => l.replace(/^\S+ /, '').replace(/ \(.*\)$/, ''));
    for (let i = 1; i < bodies.length; i++) assert.notEqual(bodies[i], bodies[i - 1]);
    const shown = JSON.parse(xtm('jobs', 'show', id, '--json', ...d()).stdout);
    assert.equal(shown.status, 'completed');
  });

  it('a missing job: exit 1, the Graph message and a hint', () => {
    const r = xtm('jobs', 'show', 'No such job', ...d());
    assert.equal(r.status, 1);
    assert.match(r.stderr, /→ 404 /);
    assert.match(r.stderr, /hint: check the id or display name/);
  });

  it('clock prints human text by default and JSON with --json; show and advance have help', () => {
    assert.match(xtm('clock', 'show', ...d()).stdout, /^\d{4}-\d\d-\d\dT.*\(manual clock; /);
    assert.equal(typeof JSON.parse(xtm('clock', 'show', '--json', ...d()).stdout).offsetMs, 'number');
    const help = xtm('clock', '--help').stdout;
    assert.match(help, /show \[options\]\s+print the server's clock/);
    assert.match(help, /advance \[options\] <duration>\s+move the clock forward/);
  });

  it('sp mappings export and import round-trip through Graph; identity-map export finds the server from server.json', () => {
    const file = join(s.dir, 'map.csv');
    const out = xtm('sp', 'mappings', 'export', '--out', file, ...d());
    assert.equal(out.status, 0, out.stderr);
    const csv = readFileSync(file, 'utf8');
    assert.match(csv, /^User,11111111-1111-4111-8111-111111111111,megan\.bowen@contoso\.com,/m);
    writeFileSync(file, `${csv}User,11111111-1111-4111-8111-111111111111,fault-no-spo-mapping@contoso.com,fault-no-spo-mapping@fabrikam.com,fault-no-spo-mapping@fabrikam.com,RegularUser\r\n`);
    const imp = xtm('sp', 'mappings', 'import', file, ...d());
    assert.equal(imp.status, 0, imp.stderr);
    const viaAdmin = xtm('identity-map', 'export', '--tenant', 'fabrikam.onmicrosoft.com', ...d());
    assert.equal(viaAdmin.status, 0, viaAdmin.stderr);
    assert.match(viaAdmin.stdout, /fault-no-spo-mapping@contoso\.com/);
    const tasks = xtm('sp', 'tasks', 'list', '--json', ...d()); // the source tenant, picked by the server
    assert.equal(tasks.status, 0, tasks.stderr);
    assert.deepEqual(JSON.parse(tasks.stdout), []);
  });
});
