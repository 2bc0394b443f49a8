// The enqueue side, shared by the API thread and the runners: items due now go straight to the
// runnable queue of the backend; items due later wait as timers in clock time (work_timers), so
// graphile-worker never sees a virtual run_at. promoteDue() is the clock service's half: it moves due
// timers into the runnable queue, in one transaction per batch.
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { WorkItemsTable, WorkTimersTable } from '../../store/schema.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import { graphileIdentifier, workRepo } from '../../store/workRepo.js';
import { itemId } from './itemId.js';
import type { EnqueueSpec } from '../queue.js';

export type Backend = 'embedded' | 'graphile';

/** graphile-worker's job payload: the task payload plus the attempts it already used and its budget. */
export interface Envelope { p: unknown; a: number; m: number; q: string | null; k: string | null }

export const DEFAULT_MAX_ATTEMPTS = 25;
const PROMOTE_BATCH = 500;

export interface Producer {
  backend: Backend;
  add(items: readonly EnqueueSpec[], db?: Tx): Promise<void>;
  /** Re-adds an item (a retry or a promoted timer) with its attempts carried; `runAtMs` in clock time. */
  addTimerRows(rows: readonly WorkTimersTable[], db: Tx): Promise<void>;
  /** Moves due timers into the runnable queue; answers when the next timer is due (null: none left). */
  promoteDue(): Promise<number | null>;
}

export function makeProducer(store: Store, clock: Clock, backend: Backend): Producer {
  async function addRunnable(db: Tx, rows: readonly WorkTimersTable[]): Promise<void> {
    if (!rows.length) return;
    const keys = rows.map((r) => r.job_key).filter((k): k is string => k !== null);
    if (keys.length) await workRepo.removeTimerKeys(db, keys);
    if (backend === 'embedded') {
      const now = clock.iso();
      await workRepo.addItems(db, dedupeByKey(rows).map((r): WorkItemsTable => ({
        id: r.id, task: r.task, payload: r.payload, job_key: r.job_key, queue_name: r.queue_name, run_at: now,
        attempts: r.attempts, max_attempts: r.max_attempts, locked_at: null, locked_by: null, last_error: r.last_error, failed_at: null, created_at: r.created_at,
      })));
    } else {
      await workRepo.addGraphileJobs(db, rows.map((r) => ({
        identifier: graphileIdentifier(r.task, r.queue_name),
        payload: { p: JSON.parse(r.payload), a: r.attempts, m: r.max_attempts, q: r.queue_name, k: r.job_key } satisfies Envelope,
        queue_name: r.queue_name,
        max_attempts: Math.max(1, r.max_attempts - r.attempts),
        job_key: r.job_key,
      })));
    }
  }

  async function addTimers(db: Tx, rows: readonly WorkTimersTable[]): Promise<void> {
    if (!rows.length) return;
    const keys = rows.map((r) => r.job_key).filter((k): k is string => k !== null);
    if (keys.length) {
      if (backend === 'embedded') await workRepo.removeItemKeys(db, keys);
      else await workRepo.removeGraphileKeys(db, keys);
    }
    await workRepo.addTimers(db, dedupeByKey(rows));
  }

  async function route(db: Tx, rows: readonly WorkTimersTable[]): Promise<void> {
    const nowIso = clock.iso();
    await addRunnable(db, rows.filter((r) => r.run_at <= nowIso));
    await addTimers(db, rows.filter((r) => r.run_at > nowIso));
  }

  const inTrx = async (db: Tx | undefined, fn: (db: Tx) => Promise<void>) => {
    if (db) return fn(db);
    return inTransaction(store, fn);
  };

  return {
    backend,
    add(items, db) {
      const now = clock.iso();
      const rows = items.map(({ task, payload, opts = {} }): WorkTimersTable => ({
        id: itemId(), // time-ordered: see itemId.ts
        task,
        payload: JSON.stringify(payload),
        job_key: opts.jobKey ?? null,
        queue_name: opts.queueName ?? null,
        run_at: opts.runAt ? opts.runAt.toISOString() : now,
        attempts: 0,
        max_attempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        last_error: null,
        created_at: now,
      }));
      return inTrx(db, (d) => route(d, rows));
    },
    addTimerRows(rows, db) {
      return route(db, rows);
    },
    async promoteDue() {
      for (;;) {
        const nowIso = clock.iso();
        const next = await workRepo.nextTimerAt(store.db);
        if (next === undefined || next > Date.parse(nowIso)) return next ?? null;
        // One batch per transaction; then look again (the answer is the next timer's time).
        await inTransaction(store, async (trx) => {
          const due = await workRepo.takeDueTimers(trx, nowIso, PROMOTE_BATCH);
          await addRunnable(trx, due.map((t) => ({ ...t, payload: typeof t.payload === 'string' ? t.payload : JSON.stringify(t.payload) })));
        });
      }
    },
  };
}

/** Within one batch the last item with a key wins (replace semantics). */
function dedupeByKey<T extends { job_key: string | null }>(rows: readonly T[]): T[] {
  const last = new Map<string, number>();
  rows.forEach((r, i) => r.job_key !== null && last.set(r.job_key, i));
  return rows.filter((r, i) => r.job_key === null || last.get(r.job_key) === i);
}
