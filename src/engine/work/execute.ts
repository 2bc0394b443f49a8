// Runs one work item's handler and decides what its failure means — the same for both runners:
// a PermanentError or an exhausted budget gives the item up (work_failures); anything else is retried
// as a timer after exp(min(attempts, 10)) seconds of clock time, counted from max(now, run_at)
// (graphile-worker's formula, on the clock service instead of the database's clock).
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { WorkTimersTable } from '../../store/schema.js';
import { isPermanentError, PermanentError, type TaskHelpers, type TaskList, type WorkQueue } from '../queue.js';

export interface RunContext { store: Store; clock: Clock; log: Logger; queue: WorkQueue; abortSignal: AbortSignal }

export interface ItemInfo {
  id: string;
  task: string;
  payload: unknown;
  /** Attempts including this one. */
  attempt: number;
  maxAttempts: number;
  jobKey: string | null;
  queueName: string | null;
  /** When the item became due, clock time. */
  runAtMs: number;
}

export type Outcome = { ok: true } | { ok: false; error: string; permanent: boolean };

export async function runItem(tasks: TaskList, item: ItemInfo, ctx: RunContext): Promise<Outcome> {
  const handler = tasks[item.task];
  try {
    if (!handler) throw new PermanentError(`no handler for task '${item.task}'`);
    let log: TaskHelpers['log'] | undefined; // a child logger only for tasks that log (it costs more than a no-op task)
    const helpers: TaskHelpers = {
      store: ctx.store, clock: ctx.clock, queue: ctx.queue, attempt: item.attempt, abortSignal: ctx.abortSignal,
      get log() {
        return (log ??= ctx.log.child({ task: item.task, item: item.id }));
      },
    };
    await handler(item.payload, helpers);
    return { ok: true };
  } catch (err) {
    const error = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 2000);
    const permanent = isPermanentError(err) || item.attempt >= item.maxAttempts;
    ctx.log.warn({ task: item.task, item: item.id, attempt: item.attempt, err: error, permanent }, 'work item failed');
    return { ok: false, error, permanent };
  }
}

export function backoffMs(attempts: number): number {
  return Math.round(Math.exp(Math.min(attempts, 10)) * 1000);
}

/** The timer that retries a failed item (same id, key and queue; attempts carried). */
export function retryTimer(item: ItemInfo, error: string, nowMs: number): WorkTimersTable {
  const nowIso = new Date(nowMs).toISOString();
  return {
    id: item.id,
    task: item.task,
    payload: JSON.stringify(item.payload),
    job_key: item.jobKey,
    queue_name: item.queueName,
    run_at: new Date(Math.max(nowMs, item.runAtMs) + backoffMs(item.attempt)).toISOString(),
    attempts: item.attempt,
    max_attempts: item.maxAttempts,
    last_error: error,
    created_at: nowIso,
  };
}
