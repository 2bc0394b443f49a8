// Runner throughput: no-op work items per second on each backend (enqueue in batches, then run through
// the runner: claim, execute, complete), against the simplest fast way to move the same rows through
// the same table in the same run — a bulk insert and a bulk delete. Aim: ratio >= 0.25 on both backends.
// PostgreSQL claims through graphile-worker's local queue (batches of up to 1,000) and deletes finished
// items in batches; named-queue items would go through its serial pool (none here).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql } from 'kysely';
import { Clock } from '../src/clock.js';
import { openStore, type Store } from '../src/store/db.js';
import { inTransaction } from '../src/store/unitOfWork.js';
import { makeRunner } from '../src/engine/work/host.js';
import { itemId } from '../src/engine/work/itemId.js';
import type { EnqueueSpec } from '../src/engine/queue.js';
import { createTempDatabase, pgUnreachable } from '../test/pg.js';

export interface RunnerFigure { backend: string; items: number; itemsPerSec: number; baselineRowsPerSec: number; ratio: number }

async function measure(store: Store, items: number): Promise<RunnerFigure> {
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  let ran = 0;
  const runner = makeRunner(store, clock, pino({ level: 'silent' }), { 'bench.noop': async () => void ran++ }, store.dialect === 'sqlite' ? { concurrency: 256 } : { concurrency: 256, claimBatch: 1000 });
  await runner.start();
  const specs: EnqueueSpec[] = Array.from({ length: items }, (_, i) => ({ task: 'bench.noop', payload: { i } }));
  // Warm-up with a small batch so first-run costs (statement preparation, graphile start) stay out.
  await runner.queue.enqueueMany(specs.slice(0, 200));
  await runner.drain();
  ran = 0;
  const t0 = performance.now();
  for (let i = 0; i < items; i += 1000) await inTransaction(store, (trx) => runner.queue.enqueueMany(specs.slice(i, i + 1000), trx));
  runner.queue.notify();
  await runner.drain();
  const ms = performance.now() - t0;
  await runner.stop();
  if (ran !== items) throw new Error(`ran ${ran} of ${items}`);

  // Baseline: the same rows (ids made the runner's way) inserted in bulk into the same queue table, then
  // deleted in bulk; median of three (one pass takes well under a second, so one stall would decide it).
  const now = clock.iso();
  const bulkInsertDelete = async (): Promise<number> => {
    const b0 = performance.now();
    if (store.dialect === 'sqlite') {
      await inTransaction(store, async (trx) => {
        for (let i = 0; i < items; i += 500) {
          await trx.insertInto('work_items').values(specs.slice(i, i + 500).map((s) => ({
            id: itemId(), task: s.task, payload: JSON.stringify(s.payload), job_key: null, queue_name: null, run_at: now, attempts: 0, max_attempts: 25,
            locked_at: null, locked_by: null, last_error: null, failed_at: null, created_at: now,
          }))).execute();
        }
      });
      await store.db.deleteFrom('work_items').execute();
    } else {
      const rows = JSON.stringify(specs.map((s) => ({ identifier: s.task, payload: s.payload })));
      await sql`select count(*) from graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, e) from json_array_elements(${rows}::json) e))`.execute(store.db);
      await sql`delete from graphile_worker._private_jobs where task_id = (select id from graphile_worker._private_tasks where identifier = 'bench.noop')`.execute(store.db);
    }
    return performance.now() - b0;
  };
  const passes = [await bulkInsertDelete(), await bulkInsertDelete(), await bulkInsertDelete()].sort((a, b) => a - b);
  const baselineMs = passes[1]!;
  const itemsPerSec = Math.round((items / ms) * 1000);
  const baselineRowsPerSec = Math.round((items / baselineMs) * 1000);
  return { backend: store.dialect === 'sqlite' ? 'embedded (SQLite)' : 'graphile-worker (PostgreSQL)', items, itemsPerSec, baselineRowsPerSec, ratio: Math.round((itemsPerSec / baselineRowsPerSec) * 100) / 100 };
}

export async function run(opts: { items?: number } = {}): Promise<{ sqlite: RunnerFigure; postgres: RunnerFigure | string; targetRatio: number }> {
  const items = opts.items ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-runner-'));
  let sqlite: RunnerFigure;
  const store = await openStore(join(dir, 'bench.db'));
  try {
    sqlite = await measure(store, items);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  let postgres: RunnerFigure | string;
  const why = await pgUnreachable();
  if (why) postgres = `not run: ${why}`;
  else {
    const tmp = await createTempDatabase('benchrunner');
    const pgStore = await openStore(tmp.url);
    try {
      postgres = await measure(pgStore, items);
    } finally {
      await pgStore.close();
      await tmp.drop();
    }
  }
  return { sqlite, postgres, targetRatio: 0.25 };
}

if (process.argv[1]?.endsWith('runner.ts')) console.log(JSON.stringify(await run(), null, 2));
