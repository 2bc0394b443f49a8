// Group commit (embedded runner, SQLite): items of a groupCommit task run several to one transaction.
// Each runs with the store scoped to that transaction; a step it makes a transaction is a savepoint
// (all or nothing on its own, its after-commit hooks dropped when it rolls back); what an item wrote
// before it failed stays, as it would alone; a failed item is retried on its own budget; items of other
// tasks never join a group.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { Clock } from '../../src/clock.js';
import { openStore, type Store } from '../../src/store/db.js';
import { afterCommit, atGroupEnd, inTransaction } from '../../src/store/unitOfWork.js';
import { makeRunner, type Runner } from '../../src/engine/work/host.js';
import { groupCommit, type TaskList } from '../../src/engine/queue.js';

const log = pino({ level: 'silent' });
let dir: string;
let store: Store;
let clock: Clock;
let runner: Runner;
const ran: { key: string; attempt: number; grouped: boolean }[] = [];
const hooks: string[] = [];
const tallies: string[][] = [];
let plainGroupEnd: unknown = 'not asked';

const put = (db: Store['db'], key: string) => sql`insert into xtm_settings (key, value) values (${key}, '1') on conflict (key) do update set value = value || '1'`.execute(db);

const tasks: TaskList = {
  'g.write': groupCommit(async (p: any, h) => {
    ran.push({ key: p.key, attempt: h.attempt, grouped: h.store.db.isTransaction });
    await inTransaction(h.store, async (tx) => {
      await put(tx, `step:${p.key}`);
      afterCommit(tx, () => hooks.push(`step:${p.key}`));
    });
    if (p.nested) {
      // A step inside a step: the inner one rolls back alone (savepoints share one name; the innermost acts).
      await inTransaction(h.store, async (tx) => {
        await put(tx, `outer:${p.key}`);
        await inTransaction(h.store, async (inner) => {
          await put(inner, `inner:${p.key}`);
          throw new Error('inner');
        }).catch(() => undefined);
      });
    }
    if (p.failFirst && h.attempt === 1) {
      await put(h.store.db, `before-failure:${p.key}`); // a bare statement: committed on its own when alone
      await inTransaction(h.store, async (tx) => {
        await put(tx, `rolled-back:${p.key}`);
        afterCommit(tx, () => hooks.push(`rolled-back:${p.key}`));
        throw new Error('boom');
      });
    }
  }),
  // Work left for the group's end: once per group for every item that asked, in the group's transaction.
  'g.tally': groupCommit(async (p: any, h) => {
    await inTransaction(h.store, async (tx) => {
      const keys = atGroupEnd(tx, 'tally', () => new Set<string>(), async (t, all) => {
        tallies.push([...all]);
        for (const k of all) await put(t, `tally:${k}`);
      });
      if (keys) keys.add(p.key);
      else {
        tallies.push([p.key]); // alone (a group that failed as a whole runs its items this way)
        await put(tx, `tally:${p.key}`);
      }
    });
  }),
  'plain.tally': async (_p: any, h) => {
    plainGroupEnd = await inTransaction(h.store, async (tx) => atGroupEnd(tx, 'tally', () => new Set<string>(), async () => undefined));
  },
  'plain.write': async (p: any, h) => {
    ran.push({ key: p.key, attempt: h.attempt, grouped: h.store.db.isTransaction });
    await put(h.store.db, `plain:${p.key}`);
  },
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xtm-group-'));
  store = await openStore(join(dir, 'xtm.db'));
  clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  runner = makeRunner(store, clock, log, tasks);
});
after(async () => {
  await runner?.queue.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const value = async (key: string) => (await sql<{ value: string }>`select value from xtm_settings where key = ${key}`.execute(store.db)).rows[0]?.value;

test('grouped items share a transaction; savepoints, failures and retries behave as if each ran alone', async () => {
  const n = 24;
  await runner.queue.enqueueMany([
    ...Array.from({ length: n }, (_, i) => ({ task: 'g.write', payload: { key: `k${i}`, failFirst: i === 5, nested: i === 7 }, opts: { maxAttempts: 3 } })),
    { task: 'plain.write', payload: { key: 'p' } },
  ]);
  runner.queue.start();
  await runner.queue.drain();
  clock.advance(60_000); // past the failed item's backoff
  await runner.queue.drain();

  const grouped = ran.filter((r) => r.key !== 'p');
  assert.ok(grouped.filter((r) => r.grouped).length >= n / 2, `most g.write items ran inside a group: ${JSON.stringify(grouped.map((r) => r.grouped))}`);
  assert.equal(ran.find((r) => r.key === 'p')?.grouped, false, 'another task never joins a group');
  for (let i = 0; i < n; i++) assert.equal(await value(`step:k${i}`), i === 5 ? '11' : '1', `k${i}'s step committed once per run`);
  assert.deepEqual(ran.filter((r) => r.key === 'k5').map((r) => r.attempt), [1, 2], 'the failed item is retried on its own budget');
  assert.equal(await value('before-failure:k5'), '1', 'what the item wrote before failing stays, as it would alone');
  assert.equal(await value('rolled-back:k5'), undefined, 'the failing step rolled back to its savepoint');
  assert.ok(!hooks.includes('rolled-back:k5'), 'a rolled-back step runs no after-commit hook');
  assert.equal(hooks.filter((h) => h.startsWith('step:')).length, n + 1, 'every committed step ran its hook once');
  assert.equal(await value('outer:k7'), '1', 'the outer step committed');
  assert.equal(await value('inner:k7'), undefined, 'the inner step rolled back alone');
  assert.equal(await value('plain:p'), '1');
  const left = await sql<{ n: number }>`select count(*) as n from work_items`.execute(store.db);
  assert.equal(Number(left.rows[0]!.n), 0, 'every item completed');
});

test('work left for the group\'s end runs once per group, for every item that asked, and commits with it', async () => {
  const n = 20;
  await runner.queue.enqueueMany([
    ...Array.from({ length: n }, (_, i) => ({ task: 'g.tally', payload: { key: `t${i}` } })),
    { task: 'plain.tally', payload: {} },
  ]);
  runner.queue.start();
  await runner.queue.drain();
  assert.deepEqual(tallies.flat().sort(), Array.from({ length: n }, (_, i) => `t${i}`).sort(), 'every item\'s request ran exactly once');
  assert.ok(tallies.length < n, `requests of one group ran together: ${JSON.stringify(tallies)}`);
  for (let i = 0; i < n; i++) assert.equal(await value(`tally:t${i}`), '1', `t${i}'s end-of-group write committed once`);
  assert.equal(plainGroupEnd, undefined, 'outside a group nothing is deferred: the caller does the work at once');
});
