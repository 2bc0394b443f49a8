// Issue 16 items 1 and 3: every clock input is bounded (no request can wedge the server), a rehearsal
// reset exists and refuses while work is in flight, and virtual time never goes backwards across restarts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServer, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, userIds } from '../jobs/util.js';
import { createServer } from '../../src/server.js';

const users = userIds(0x16000);

describe('clock inputs are bounded', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ worker: false });
  });
  after(() => s.stop());
  const advance = (body: unknown) => s.api('POST', '/xtm/admin/clock/advance', { token: null, body });

  it('a huge advance is a 400 and leaves every endpoint working', async () => {
    const before = s.clock.iso();
    for (const by of [1e300, 9_000_000_000_000_000, 'P10000000D', 'P99999999999999999999999D', 'PT1e400S']) {
      const res = await advance({ by });
      assert.equal(res.status, 400, `${by}: ${res.text}`);
      assert.equal(res.body.error.code, 'BadRequest');
    }
    assertGraphError(await advance({ to: '+099999-01-01T00:00:00Z' }), 400, 'BadRequest', /^Invalid value for property 'to'/, { target: 'to' });
    assertGraphError(await advance({ to: '2027-02-30T00:00:00Z' }), 400, 'BadRequest', /^Invalid value for property 'to'/);
    assert.equal(s.clock.iso(), before);
    const clock = await s.api('GET', '/xtm/admin/clock', { token: null });
    assert.equal(clock.status, 200);
    assert.equal(clock.body.now, before);
    const job = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    assert.equal(job.status, 201, job.text);
    assert.equal((await s.api('POST', `${B}/${job.body.id}/validate`)).status, 200);
    assert.equal((await s.api('POST', '/xtm/admin/work/drain', { token: null })).status, 200);
  });

  it('the clock goes up to 9999-12-31T23:59:59.999Z and no further; speed is bounded', async () => {
    const res = await advance({ to: '9999-12-31T23:59:59.999Z' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.now, '9999-12-31T23:59:59.999Z');
    assertGraphError(await advance({ by: 1 }), 400, 'BadRequest', /can't go past 9999-12-31T23:59:59.999Z/);
    assertGraphError(await s.api('POST', '/xtm/admin/clock/speed', { token: null, body: { factor: 1e7 } }), 400, 'BadRequest', /factor/);
    assert.equal((await s.api('GET', '/xtm/admin/clock', { token: null })).body.now, '9999-12-31T23:59:59.999Z');
    // …and a rehearsal reset brings it back.
    const back = await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: '2026-06-01T00:00:00Z' } });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.now, '2026-06-01T00:00:00.000Z');
    assert.equal(back.body.mode, 'manual');
  });
});

describe('rehearsal reset', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ worker: false });
  });
  after(() => s.stop());

  it('P1000000D is allowed (year 4764) and reset brings time back; reset refuses while work is in flight', async () => {
    const far = await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1000000D' } });
    assert.equal(far.status, 200, far.text);
    assert.match(far.body.now, /^4764-/);
    const back = await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: {} });
    assert.equal(back.status, 200, back.text);
    assert.ok(Math.abs(Date.parse(back.body.now) - Date.now()) < 60_000, back.body.now);

    await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: '2026-06-01T00:00:00Z' } });
    const job = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    assert.equal((await s.api('POST', `${B}/${job.body.id}/validate`)).status, 200);
    const now = s.clock.iso();
    assertGraphError(await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: '2026-01-01T00:00:00Z' } }), 409, 'Conflict', /work is in flight \(1 work item pending or running\)/);
    assert.equal(s.clock.iso(), now);
    await s.api('POST', '/xtm/admin/work/drain', { token: null });
    const ok = await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: '2026-01-01T00:00:00Z', factor: 0 } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.now, '2026-01-01T00:00:00.000Z');
    assertGraphError(await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: '1969-12-31T00:00:00Z' } }), 400, 'BadRequest', /between 1970/);
    assertGraphError(await s.api('POST', '/xtm/admin/clock/reset', { token: null, body: { to: 'soon' } }), 400, 'BadRequest', /^Invalid value for property 'to'/);
  });
});

describe('virtual time survives restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-clock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const start = (clock: string) => createServer({ db: join(dir, 'xtm.db'), dataDir: dir, port: 0, httpsPort: null, scenario: null, worker: false, clock, logLevel: 'silent' }, { log: pino({ level: 'silent' }) });

  it('accelerated: after a restart the clock reads at least what it read before', async () => {
    let s = await start('accelerated=3600');
    await new Promise((r) => setTimeout(r, 50)); // 50 ms real = 3 virtual minutes
    const before = s.deps.clock.nowMs();
    assert.ok(before - Date.now() > 60_000, 'accelerated clock is ahead');
    await s.close();
    s = await start('accelerated=3600');
    const afterRestart = s.deps.clock.nowMs();
    await s.close();
    assert.ok(afterRestart >= before, `went backwards: ${new Date(before).toISOString()} → ${new Date(afterRestart).toISOString()}`);
  });

  it('manual: an advanced clock is where it was after a restart, also when restarted in real mode', async () => {
    let s = await start('manual');
    s.deps.clock.advance(30 * 86_400_000);
    const { persistClock } = await import('../../src/graph/admin/clock.js');
    await persistClock(s.deps.store, s.deps.clock);
    const before = s.deps.clock.nowMs();
    await s.close();
    s = await start('manual');
    assert.equal(s.deps.clock.nowMs(), before);
    await s.close();
    s = await start('real');
    assert.ok(s.deps.clock.nowMs() >= before);
    assert.equal(s.deps.clock.mode, 'real');
    await s.close();
  });
});
