// One contract for the work-queue port, run against both runners: the embedded runner (SQLite) and
// graphile-worker 0.17 (PostgreSQL). Job keys replace, named queues serialize, future work waits as a
// clock-time timer until the clock reaches it, failures back off from max(now, run_at) in clock time,
// PermanentError and exhausted budgets are given up, batch enqueue, drain waits for running and locked
// work, and the stale-lock sweep releases only dead runners' locks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { Clock } from '../../src/clock.js';
import { openStore, type Store } from '../../src/store/db.js';
import { workRepo } from '../../src/store/workRepo.js';
import { inTransaction, type Tx } from '../../src/store/unitOfWork.js';
import { makeRunner, type Runner } from '../../src/engine/work/host.js';
import { PermanentError, type EnqueueSpec, type TaskList } from '../../src/engine/queue.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';

const START = Date.parse('2026-06-01T00:00:00Z');
const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run { task: string; payload: any; attempt: number; at: number }

interface Backend { name: string; skip: string | false; open(): Promise<{ store: Store; cleanup(): Promise<void> }> }

const pgSkip = (await pgUnreachable()) ?? false;
const backends: Backend[] = [
  {
    name: 'embedded runner (SQLite)',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'xtm-contract-'));
      const store = await openStore(join(dir, 'xtm.db'));
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'graphile-worker (PostgreSQL)',
    skip: pgSkip,
    async open() {
      const tmp: TempDatabase = await createTempDatabase('contract');
      const store = await openStore(tmp.url);
      return { store, cleanup: () => tmp.drop() };
    },
  },
];

for (const backend of backends) {
  describe(`runner contract: ${backend.name}`, { skip: backend.skip }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let clock: Clock;
    let runner: Runner;
    let runs: Run[] = [];
    let gate: Promise<void> = Promise.resolve();
    let inQueue = 0;
    let maxInQueue = 0;
    let failOnce = new Set<string>();
    const activeByQueue = new Map<string, number>();
    let maxActiveByQueue = 0;

    const tasks: TaskList = {
      'test.record': async (payload, h) => {
        runs.push({ task: 'test.record', payload, attempt: h.attempt, at: h.clock.nowMs() });
      },
      'test.slow': async (payload: any, h) => {
        inQueue++;
        maxInQueue = Math.max(maxInQueue, inQueue);
        await sleep(30);
        // Items of distinct queues wait (bounded) for a neighbour, so "they run beside each other" does not
        // depend on how fast a loaded machine wakes the second worker.
        for (let i = 0; payload.meet && maxInQueue < 2 && i < 300; i++) {
          await sleep(10);
          maxInQueue = Math.max(maxInQueue, inQueue);
        }
        runs.push({ task: 'test.slow', payload, attempt: h.attempt, at: h.clock.nowMs() });
        inQueue--;
      },
      'test.serial': async (payload: any, h) => {
        const active = (activeByQueue.get(payload.q) ?? 0) + 1;
        activeByQueue.set(payload.q, active);
        maxActiveByQueue = Math.max(maxActiveByQueue, active);
        await sleep(5);
        runs.push({ task: 'test.serial', payload, attempt: h.attempt, at: h.clock.nowMs() });
        activeByQueue.set(payload.q, activeByQueue.get(payload.q)! - 1);
      },
      'test.gated': async (payload, h) => {
        runs.push({ task: 'test.gated', payload, attempt: h.attempt, at: h.clock.nowMs() });
        await gate;
      },
      'test.flaky': async (payload, h) => {
        const key = JSON.stringify(payload);
        runs.push({ task: 'test.flaky', payload, attempt: h.attempt, at: h.clock.nowMs() });
        if (!failOnce.has(key)) {
          failOnce.add(key);
          throw new Error('transient');
        }
      },
      'test.always': async (payload, h) => {
        runs.push({ task: 'test.always', payload, attempt: h.attempt, at: h.clock.nowMs() });
        throw new Error('still broken');
      },
      'test.permanent': async (payload, h) => {
        runs.push({ task: 'test.permanent', payload, attempt: h.attempt, at: h.clock.nowMs() });
        throw new PermanentError('bad payload');
      },
    };

    before(async () => {
      ({ store, cleanup } = await backend.open());
      clock = new Clock({ mode: 'manual', startAt: START });
      runner = makeRunner(store, clock, log, tasks, { staleMs: 1500, heartbeatMs: 200, pollMs: 200 });
      await runner.start();
    });
    after(async () => {
      await runner?.stop();
      await store?.close();
      await cleanup?.();
    });
    const reset = () => {
      runs = [];
      maxInQueue = 0;
      maxActiveByQueue = 0;
      failOnce = new Set();
    };
    const q = () => runner.queue;

    it('runs an item once; drain returns only when it is done', async () => {
      reset();
      await q().enqueue('test.slow', { n: 1 });
      await q().drain();
      assert.deepEqual(runs.map((r) => r.payload), [{ n: 1 }]);
      assert.equal(runs[0]!.attempt, 1);
      assert.deepEqual(await workRepo.runnable(store.db), []);
    });

    it('a job key replaces a pending item with the same key', async () => {
      reset();
      await inTransaction(store, async (trx) => {
        await q().enqueue('test.record', { v: 1 }, { jobKey: 'k1' }, trx);
        await q().enqueue('test.record', { v: 2 }, { jobKey: 'k1' }, trx);
        await q().enqueue('test.record', { v: 3 }, { jobKey: 'k1', runAt: new Date(clock.nowMs() + 60_000) }, trx);
        await q().enqueue('test.record', { v: 4 }, { jobKey: 'k1' }, trx);
      });
      q().notify();
      await q().drain();
      assert.deepEqual(runs.map((r) => r.payload), [{ v: 4 }], 'only the last item with the key ran');
      // A pending timer is replaced by an item due now, and the other way round.
      await q().enqueue('test.record', { v: 5 }, { jobKey: 'k1', runAt: new Date(clock.nowMs() + 60_000) });
      await q().enqueue('test.record', { v: 6 }, { jobKey: 'k1' });
      await q().drain();
      clock.advance(60_000);
      await q().drain();
      assert.deepEqual(runs.map((r) => r.payload), [{ v: 4 }, { v: 6 }], 'the replaced timer never runs');
    });

    it('a job key on a running item adds a new item; the running one finishes', async () => {
      reset();
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      await q().enqueue('test.gated', { v: 'first' }, { jobKey: 'k2' });
      for (let i = 0; i < 200 && runs.length === 0; i++) await sleep(10);
      assert.equal(runs.length, 1, 'the first item is running');
      await q().enqueue('test.gated', { v: 'second' }, { jobKey: 'k2' });
      open();
      await q().drain();
      gate = Promise.resolve();
      assert.deepEqual(runs.map((r) => r.payload.v).sort(), ['first', 'second']);
    });

    it('a named queue runs one item at a time, in order; other queues run beside it', async () => {
      reset();
      await q().enqueueMany(Array.from({ length: 6 }, (_, i) => ({ task: 'test.slow', payload: { i }, opts: { queueName: 'user-1:Exchange' } })));
      await q().drain();
      assert.deepEqual(runs.map((r) => r.payload.i), [0, 1, 2, 3, 4, 5]);
      assert.equal(maxInQueue, 1);
      reset();
      await q().enqueueMany(Array.from({ length: 6 }, (_, i) => ({ task: 'test.slow', payload: { i, meet: true }, opts: { queueName: `user-${i}:Exchange` } })));
      await q().drain();
      assert.equal(runs.length, 6);
      assert.ok(maxInQueue >= 2, `distinct queues run concurrently (max ${maxInQueue})`);
    });

    // graphile-worker 0.17.3's batched claims (local queue) locked several jobs of one named queue in
    // one fetch and ran them at once (graphile/worker#621). A backlog of two named queues among plain
    // items, two runners on one store claiming in batches: each queue still runs one item at a time, in order.
    it('named queues stay one at a time, in order, under batched claims by two runners', async () => {
      reset();
      const second = makeRunner(store, clock, log, tasks, { staleMs: 1500, heartbeatMs: 200, pollMs: 200 });
      await second.start();
      try {
        const items: EnqueueSpec[] = [];
        for (let i = 0; i < 12; i++) {
          for (const queue of ['A', 'B']) items.push({ task: 'test.serial', payload: { q: queue, i }, opts: { queueName: `user-${queue}:Exchange` } });
          for (let j = 0; j < 10; j++) items.push({ task: 'test.record', payload: { i, j } });
        }
        await inTransaction(store, (trx) => q().enqueueMany(items, trx));
        q().notify();
        second.queue.notify();
        await q().drain();
        await second.drain();
        assert.equal(maxActiveByQueue, 1, 'never two items of one named queue at once');
        for (const queue of ['A', 'B']) {
          assert.deepEqual(runs.filter((r) => r.task === 'test.serial' && r.payload.q === queue).map((r) => r.payload.i), Array.from({ length: 12 }, (_, i) => i), `queue ${queue} ran in order, each once`);
        }
        assert.equal(new Set(runs.filter((r) => r.task === 'test.record').map((r) => `${r.payload.i}/${r.payload.j}`)).size, 120);
        assert.equal(runs.length, 144, 'nothing ran twice');
      } finally {
        await second.stop();
      }
    });

    it('future work waits as a clock-time timer; advancing the clock wakes it without a drain', async () => {
      reset();
      await q().enqueue('test.record', { t: 'later' }, { runAt: new Date(clock.nowMs() + 3_600_000) });
      await q().drain();
      assert.equal(runs.length, 0);
      assert.equal((await store.db.selectFrom('work_timers').select('id').execute()).length, 1);
      clock.advance(3_600_000);
      for (let i = 0; i < 300 && runs.length === 0; i++) await sleep(10);
      assert.deepEqual(runs.map((r) => r.payload), [{ t: 'later' }]);
      assert.equal(runs[0]!.at, clock.nowMs());
    });

    it('a failure is retried after exp(1) s of clock time from max(now, run_at), with the attempt counted', async () => {
      reset();
      await q().enqueue('test.flaky', { f: 1 }, { jobKey: 'flaky-1' });
      await q().drain();
      assert.equal(runs.length, 1);
      const [timer] = await store.db.selectFrom('work_timers').selectAll().execute();
      assert.ok(timer);
      assert.equal(timer.attempts, 1);
      assert.equal(timer.job_key, 'flaky-1');
      assert.equal(Date.parse(timer.run_at), clock.nowMs() + Math.round(Math.exp(1) * 1000));
      assert.match(String(timer.last_error), /transient/);
      clock.advance(Math.round(Math.exp(1) * 1000) - 1);
      await q().drain();
      assert.equal(runs.length, 1, 'not before the back-off');
      clock.advance(1);
      await q().drain();
      assert.deepEqual(runs.map((r) => r.attempt), [1, 2]);
      assert.deepEqual(await store.db.selectFrom('work_timers').select('id').execute(), []);
    });

    it('PermanentError is not retried; an exhausted budget is given up (work_failures)', async () => {
      reset();
      await q().enqueue('test.permanent', { p: 1 });
      await q().enqueue('test.always', { a: 1 }, { maxAttempts: 2 });
      await q().drain();
      clock.advance(10_000);
      await q().drain();
      clock.advance(10_000);
      await q().drain();
      assert.deepEqual(runs.filter((r) => r.task === 'test.permanent').map((r) => r.attempt), [1]);
      assert.deepEqual(runs.filter((r) => r.task === 'test.always').map((r) => r.attempt), [1, 2]);
      const failures = await workRepo.failures(store.db);
      const byTask = Object.fromEntries(failures.map((f) => [f.task, f]));
      assert.equal(byTask['test.permanent']?.attempts, 1);
      assert.match(String(byTask['test.permanent']?.last_error), /PermanentError: bad payload/);
      assert.equal(byTask['test.always']?.attempts, 2);
      assert.deepEqual(await store.db.selectFrom('work_timers').select('id').execute(), []);
    });

    it('batch enqueue: 300 items in one transaction, each run exactly once', async () => {
      reset();
      await inTransaction(store, (trx) => q().enqueueMany(Array.from({ length: 300 }, (_, i) => ({ task: 'test.record', payload: { i } })), trx));
      q().notify();
      await q().drain();
      assert.equal(runs.length, 300);
      assert.equal(new Set(runs.map((r) => r.payload.i)).size, 300);
    });

    it('the sweep releases a dead runner\'s locks, never a live one\'s', async () => {
      reset();
      // Two items locked by two other runners: one alive (fresh heartbeat), one dead (stale heartbeat).
      // Enqueued and locked in one transaction, so this runner never sees them unlocked.
      await inTransaction(store, async (trx) => {
        await q().enqueue('test.record', { who: 'alive' }, { jobKey: 'lock-alive' }, trx);
        await q().enqueue('test.record', { who: 'dead' }, { jobKey: 'lock-dead' }, trx);
        await lockByKey(store, trx, 'lock-alive', 'runner-alive');
        await lockByKey(store, trx, 'lock-dead', 'runner-dead');
        await workRepo.heartbeat(trx, 'runner-alive', ['runner-alive'], new Date().toISOString());
        await workRepo.heartbeat(trx, 'runner-dead', ['runner-dead'], new Date(Date.now() - 60_000).toISOString());
      });
      const keepAlive = setInterval(() => void workRepo.heartbeat(store.db, 'runner-alive', ['runner-alive'], new Date().toISOString()), 100);
      try {
        for (let i = 0; i < 300 && runs.length === 0; i++) await sleep(10);
        await sleep(500);
        assert.deepEqual(runs.map((r) => r.payload.who), ['dead'], 'only the dead runner\'s item was released and run');
      } finally {
        clearInterval(keepAlive);
      }
      // The live runner stops beating: after staleMs its lock is released too.
      for (let i = 0; i < 500 && runs.length < 2; i++) await sleep(10);
      assert.deepEqual(runs.map((r) => r.payload.who), ['dead', 'alive']);
      await q().drain();
    });
  });
}

/** Locks an item as another runner would have (the backend's own lock columns). */
async function lockByKey(store: Store, db: Tx, key: string, lockedBy: string): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = ${lockedBy}, attempts = attempts + 1 where key = ${key}`.execute(db);
  } else {
    await db.updateTable('work_items').set({ locked_at: new Date().toISOString(), locked_by: lockedBy }).where('job_key', '=', key).execute();
  }
}

describe('completion is guarded by the lock owner (embedded)', () => {
  it('another runner cannot complete an item it does not hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtm-contract-'));
    const store = await openStore(join(dir, 'xtm.db'));
    try {
      const now = new Date().toISOString();
      await workRepo.addItems(store.db, [{ id: 'i1', task: 't', payload: '{}', job_key: null, queue_name: null, run_at: now, attempts: 0, max_attempts: 25, locked_at: null, locked_by: null, last_error: null, failed_at: null, created_at: now }]);
      const [claimed] = await workRepo.claimItems(store.db, 'owner', now, now, 10);
      assert.equal(claimed?.locked_by, 'owner');
      await workRepo.completeItems(store.db, 'intruder', ['i1']);
      assert.equal((await workRepo.runnable(store.db)).length, 1);
      assert.equal(await workRepo.takeLockedItem(store.db, 'intruder', 'i1'), undefined);
      await workRepo.completeItems(store.db, 'owner', ['i1']);
      assert.equal((await workRepo.runnable(store.db)).length, 0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('completion is guarded by the lock owner (graphile-worker)', { skip: pgSkip }, () => {
  // graphile-worker 0.17 deletes a completed job by id alone; xtm's wrapper checks the holder when its
  // heartbeat may have fallen behind (here: one beat a minute against a 100 ms stale time).
  it('a worker whose lock was taken over neither completes nor retries the job', async () => {
    const tmp = await createTempDatabase('contractlock');
    const store = await openStore(tmp.url);
    const clock = new Clock({ mode: 'manual', startAt: START });
    const stealOwn = async (h: { store: Store }, key: string) => {
      await sleep(120);
      await sql`update graphile_worker._private_jobs set locked_by = 'runner-other', locked_at = now() where key = ${key}`.execute(h.store.db);
    };
    const tasks: TaskList = {
      'test.stolenOk': async (_p, h) => stealOwn(h, 'stolen-ok'),
      'test.stolenFails': async (_p, h) => {
        await stealOwn(h, 'stolen-fails');
        throw new Error('transient');
      },
    };
    const runner = makeRunner(store, clock, log, tasks, { heartbeatMs: 60_000, staleMs: 100, pollMs: 100 });
    try {
      await runner.start();
      await runner.queue.enqueue('test.stolenOk', {}, { jobKey: 'stolen-ok' });
      await runner.queue.enqueue('test.stolenFails', {}, { jobKey: 'stolen-fails' });
      runner.queue.notify();
      await sleep(1000);
      const rows = await sql<{ key: string; locked_by: string }>`select key, locked_by from graphile_worker._private_jobs order by key`.execute(store.db);
      assert.deepEqual(rows.rows.map((r) => [r.key, r.locked_by]), [['stolen-fails', 'runner-other'], ['stolen-ok', 'runner-other']], 'both jobs stay with their new holder');
      assert.deepEqual(await store.db.selectFrom('work_timers').select('id').execute(), [], 'no retry timer');
      assert.deepEqual(await workRepo.failures(store.db), [], 'no dead letter');
    } finally {
      await runner.stop();
      await store.close();
      await tmp.drop();
    }
  });
});

for (const backend of backends) {
  describe(`follow-up work starts at once: ${backend.name}`, { skip: backend.skip }, () => {
    // Validation's phases chain this way: each item enqueues the next and notifies. A wake that arrived
    // while the runner was scheduling its next poll was lost, and every phase waited a poll (1 s).
    it('a chain of items, each enqueued by the one before, runs without waiting for a poll', async () => {
      const { store, cleanup } = await backend.open();
      const clock = new Clock({ mode: 'manual', startAt: START });
      const done: number[] = [];
      const tasks: TaskList = {
        'test.chain': async (payload: any, h) => {
          done.push(payload.n);
          // A different number of round trips before each enqueue, so one of them lands in that window.
          for (let i = 0; i < payload.n; i++) await h.store.db.selectFrom('work_timers').select('id').limit(1).execute();
          if (payload.n < 12) {
            await inTransaction(h.store, (trx) => h.queue.enqueue('test.chain', { n: payload.n + 1 }, { jobKey: 'chain' }, trx));
            h.queue.notify();
          }
        },
      };
      const runner = makeRunner(store, clock, log, tasks, { pollMs: 600_000 });
      try {
        await runner.start();
        await runner.queue.enqueue('test.chain', { n: 1 }, { jobKey: 'chain' });
        for (let i = 0; i < 1000 && done.length < 12; i++) await sleep(10);
        assert.deepEqual(done, Array.from({ length: 12 }, (_, i) => i + 1));
      } finally {
        await runner.stop();
        await store.close();
        await cleanup();
      }
    });
  });
}

for (const backend of backends) {
  describe(`timers come due as time passes: ${backend.name}`, { skip: backend.skip }, () => {
    // Under a real (or accelerated) clock nobody advances the clock: the runner itself must wake when
    // the next timer is due. On PostgreSQL it only woke on a notify or a clock change, so a retry or a
    // scheduled phase waited for unrelated work.
    it('an item due 300 ms from now runs then, with nothing more waking the runner', async () => {
      const { store, cleanup } = await backend.open();
      const clock = new Clock({ mode: 'real' });
      const ran: number[] = [];
      const runner = makeRunner(store, clock, log, { 'test.later': async () => void ran.push(Date.now()) }, { pollMs: 60_000 });
      try {
        await runner.start();
        const due = Date.now() + 300;
        await runner.queue.enqueue('test.later', {}, { runAt: new Date(due) });
        runner.queue.notify(); // as the API does after a commit: the runner learns of the timer now, not at its next poll
        for (let i = 0; i < 300 && ran.length === 0; i++) await sleep(10);
        assert.equal(ran.length, 1, 'ran once when due, without a drain, another notify or a clock change');
        assert.ok(ran[0]! >= due, 'not before it was due');
      } finally {
        await runner.stop();
        await store.close();
        await cleanup();
      }
    });
  });
}
