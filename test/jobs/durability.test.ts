// Durable work: a validate accepted by one process and left in work_items is finished, exactly once,
// by the next process on the same database file; a failing work item is retried with exponential
// back-off in virtual time and given up after max_attempts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Clock } from '../../src/clock.js';
import { createServer, type XtmServer } from '../../src/server.js';
import type { XtmConfig } from '../../src/config.js';
import type { ValidationExecutor } from '../../src/engine/jobs/validationPort.js';
import { existenceOnlyValidation as basicValidation } from '../existenceOnlyValidation.js';
import { seedBasic, T, jobBody } from '../helpers.js';
import { B, idFor } from './util.js';
import { testStoreLocation } from '../pg.js';
import { sql } from 'kysely';
import { workRepo } from '../../src/store/workRepo.js';

const START = Date.parse('2026-06-01T00:00:00Z');
const log = pino({ level: 'silent' });
const USERS = [idFor(1), idFor(2), idFor(3)];

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'xtm-durability-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Running { server: XtmServer; url: string; clock: Clock; calls: () => number }

async function boot(db: string, cfg: Partial<XtmConfig>, clock: Clock, validate: ValidationExecutor = basicValidation, seed = false): Promise<Running> {
  let n = 0;
  const counting: ValidationExecutor = async (...a) => {
    n++;
    return validate(...a);
  };
  // The same path reopens the same store (under test:postgres, the same database).
  const server = await createServer({ db: await testStoreLocation(db), dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent', ...cfg }, { clock, log, validate: counting });
  if (seed) await seedBasic(server.deps.store, { source: [], target: USERS });
  const { http } = await server.listen();
  return { server, url: http, clock, calls: () => n };
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/${T.target}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: T.app, client_secret: T.secret, scope: 'https://graph.microsoft.com/.default' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(r: Running, tok: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${r.url}${path}`, { method, headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

/** The runnable queue of either backend (work_items on SQLite, graphile-worker's jobs on PostgreSQL). */
async function workItems(r: Running) {
  return workRepo.runnable(r.server.deps.store.db);
}

async function timers(r: Running) {
  return r.server.deps.store.db.selectFrom('work_timers').selectAll().execute();
}

describe('restart', () => {
  it('a validate left in work_items by a stopped process completes exactly once after restart', async () => {
    const db = join(dir, 'restart.db');
    const first = await boot(db, { worker: false }, new Clock({ mode: 'manual', startAt: START }), basicValidation, true);
    let tok = await token(first.url);
    const created = await call(first, tok, 'POST', B, jobBody({ resources: USERS, workloads: ['Teams'] }));
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const v = await call(first, tok, 'POST', `${B}/${id}/validate`);
    assert.equal(v.status, 200);
    assert.equal(v.body.status, 'validateSubmitted');
    const items = await workItems(first);
    assert.equal(items.length, 1);
    assert.equal(items[0]!.task, 'job.validate');
    assert.equal(first.calls(), 0);
    await first.server.close();

    const second = await boot(db, {}, new Clock({ mode: 'manual', startAt: START + 60_000 }));
    try {
      // Tokens name the issuing server's authority (its port): ask the new process for one.
      tok = await token(second.url);
      const deadline = Date.now() + 10_000;
      let status = '';
      while (Date.now() < deadline) {
        await second.server.queue.drain();
        status = (await call(second, tok, 'GET', `${B}/${id}`)).body.status;
        if (status === 'validatePassed' || status === 'validateFailed') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 'validatePassed');
      await second.server.queue.idle();
      await second.server.queue.drain();
      assert.equal(second.calls(), 1, 'the validation ran exactly once');
      assert.deepEqual(await workItems(second), []);
      const users = await call(second, tok, 'GET', `${B}/${id}/users`);
      assert.deepEqual(users.body.value.map((t: any) => t.currentStatus[0].status), ['valid', 'valid', 'valid']);
    } finally {
      await second.server.close();
    }
  });

  it('an item a crashed process had locked is unlocked and run by the next process\'s worker (no drain)', async () => {
    const db = join(dir, 'crash.db');
    const first = await boot(db, { worker: false }, new Clock({ mode: 'manual', startAt: START }), basicValidation, true);
    let tok = await token(first.url);
    const created = await call(first, tok, 'POST', B, jobBody({ resources: USERS, workloads: ['Teams'] }));
    await call(first, tok, 'POST', `${B}/${created.body.id}/validate`);
    // Simulate a crash mid-run: the item is locked by a worker that no longer exists (registered,
    // its heartbeat long stopped).
    const db0 = first.server.deps.store.db;
    if (first.server.deps.store.dialect === 'postgres') {
      await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'dead-worker', attempts = 1`.execute(db0);
    } else {
      await db0.updateTable('work_items').set({ locked_at: new Date().toISOString(), locked_by: 'dead-worker', attempts: 1 }).execute();
    }
    await workRepo.heartbeat(db0, 'dead-worker', ['dead-worker'], new Date(Date.now() - 3_600_000).toISOString());
    await first.server.close();

    const second = await boot(db, {}, new Clock({ mode: 'manual', startAt: START + 60_000 }));
    try {
      tok = await token(second.url);
      const deadline = Date.now() + 10_000;
      let status = '';
      while (Date.now() < deadline) {
        status = (await call(second, tok, 'GET', `${B}/${created.body.id}`)).body.status;
        if (status === 'validatePassed') break;
        // No drain here: the embedded worker alone must pick the item up.
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 'validatePassed');
      await second.server.queue.idle();
      assert.equal(second.calls(), 1);
      assert.deepEqual(await workItems(second), []);
    } finally {
      await second.server.close();
    }
  });
});

describe('retry with back-off', () => {
  // A malformed payload is not retried at all (PermanentError: test/engine/taskPayloads.test.ts).
  let r: Running;
  let failuresLeft = 1;
  before(async () => {
    const flaky: ValidationExecutor = async (...a) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('validation backend unavailable');
      }
      return basicValidation(...a);
    };
    r = await boot(join(dir, 'retry.db'), { worker: false }, new Clock({ mode: 'manual', startAt: START }), flaky, true);
  });
  after(async () => {
    await r?.server.close();
  });

  it('a throwing handler is retried after exp(attempt) seconds of virtual time, then succeeds', async () => {
    const tok = await token(r.url);
    const created = await call(r, tok, 'POST', B, jobBody({ resources: USERS, workloads: ['Teams'] }));
    const id = created.body.id as string;
    await call(r, tok, 'POST', `${B}/${id}/validate`);
    await r.server.queue.drain();
    assert.equal(r.calls(), 1);
    assert.equal((await call(r, tok, 'GET', `${B}/${id}`)).body.status, 'validateInProgress');
    // The failed item waits as a clock-time timer, its attempts carried.
    assert.deepEqual(await workItems(r), []);
    const [timer] = await timers(r);
    assert.ok(timer);
    assert.equal(timer.attempts, 1);
    assert.equal(timer.job_key, `validate:${id}`);
    assert.match(String(timer.last_error), /validation backend unavailable/);
    const backoff = Math.round(Math.exp(1) * 1000);
    assert.equal(Date.parse(timer.run_at), r.clock.nowMs() + backoff);

    await r.server.queue.drain();
    r.clock.advance(backoff - 1);
    await r.server.queue.drain();
    assert.equal(r.calls(), 1, 'not retried before the back-off elapses');

    r.clock.advance(1);
    await r.server.queue.drain();
    assert.equal(r.calls(), 2);
    assert.equal((await call(r, tok, 'GET', `${B}/${id}`)).body.status, 'validatePassed');
    assert.deepEqual(await workItems(r), []);
    assert.deepEqual(await timers(r), []);
  });

  it('back-off grows exponentially and the item is given up after max_attempts', async () => {
    const db = r.server.deps.store.db;
    // A validation whose backend stays down: its check phase, re-enqueued with a budget of three.
    const tok = await token(r.url);
    for (const j of await db.selectFrom('migration_jobs').select('id').execute()) { // frees the users
      const d = await call(r, tok, 'POST', `${B}/${j.id}/cancel`);
      assert.equal(d.status, 202, JSON.stringify(d.body));
    }
    await r.server.queue.drain();
    const created = await call(r, tok, 'POST', B, jobBody({ displayName: 'always down', resources: [USERS[0]!], workloads: ['Teams'] }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    await call(r, tok, 'POST', `${B}/${id}/validate`);
    failuresLeft = 1_000;
    await r.server.queue.drain();
    await db.deleteFrom('work_timers').execute();
    const job = await db.selectFrom('migration_jobs').select('op_seq').where('id', '=', id).executeTakeFirstOrThrow();
    await r.server.queue.enqueue('job.validate', { jobId: id, opSeq: job.op_seq, phase: 'check' }, { jobKey: `validate:${id}`, maxAttempts: 3 });
    const seen: { attempts: number; delay: number }[] = [];
    for (let i = 0; i < 2; i++) {
      await r.server.queue.drain();
      const [t] = await timers(r);
      seen.push({ attempts: t!.attempts, delay: Date.parse(t!.run_at) - r.clock.nowMs() });
      assert.match(String(t!.last_error), /validation backend unavailable/);
      r.clock.advance(Math.max(0, Date.parse(t!.run_at) - r.clock.nowMs()));
    }
    assert.deepEqual(seen, [
      { attempts: 1, delay: Math.round(Math.exp(1) * 1000) },
      { attempts: 2, delay: Math.round(Math.exp(2) * 1000) },
    ]);
    await r.server.queue.drain();
    assert.deepEqual(await timers(r), [], 'the third failure is the last');
    const failures = await db.selectFrom('work_failures').selectAll().execute();
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.attempts, 3);
    assert.match(failures[0]!.last_error, /validation backend unavailable/);
    r.clock.advance(24 * 3600 * 1000);
    await r.server.queue.drain();
    assert.equal((await db.selectFrom('work_failures').selectAll().execute()).length, 1, 'a given-up item is not run again');
  });
});

describe('queue.idle()', () => {
  it('resolves when nothing is due, also when the background worker is off', async () => {
    const r = await boot(join(dir, 'idle.db'), { worker: false }, new Clock({ mode: 'manual', startAt: START }), basicValidation, true);
    try {
      const outcome = await Promise.race([
        r.server.queue.idle().then(() => 'idle'),
        new Promise((res) => setTimeout(() => res('timeout'), 1000)),
      ]);
      assert.equal(outcome, 'idle', 'WorkQueue.idle() must not hang when no item is due');
    } finally {
      await r.server.close();
    }
  });

  it('resolves with the worker on once due work is done (future items do not block it)', async () => {
    const r = await boot(join(dir, 'idle2.db'), { phaseDelayMs: 60_000 }, new Clock({ mode: 'manual', startAt: START }), basicValidation, true);
    try {
      const tok = await token(r.url);
      const created = await call(r, tok, 'POST', B, jobBody({ resources: USERS, workloads: ['Teams'] }));
      await call(r, tok, 'POST', `${B}/${created.body.id}/validate`);
      const outcome = await Promise.race([r.server.queue.idle().then(() => 'idle'), new Promise((res) => setTimeout(() => res('timeout'), 3000))]);
      assert.equal(outcome, 'idle');
      assert.equal((await call(r, tok, 'GET', `${B}/${created.body.id}`)).body.status, 'validateSubmitted');
      r.clock.advance(60_000);
      const deadline = Date.now() + 5000;
      let status = '';
      while (Date.now() < deadline && status !== 'validateProcessing') {
        status = (await call(r, tok, 'GET', `${B}/${created.body.id}`)).body.status;
        await new Promise((res) => setTimeout(res, 10));
      }
      assert.equal(status, 'validateProcessing', 'advancing the clock wakes the worker without a drain');
    } finally {
      await r.server.close();
    }
  });
});
