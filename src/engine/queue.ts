// The work-queue port, shaped on graphile-worker's semantics so both implementations behave alike:
// embedded (SQLite, engine/work/embeddedRunner.ts, in a worker thread) and graphile-worker 0.17
// (PostgreSQL, engine/work/graphileRunner.ts). Every task is idempotent and may run more than once
// (at-least-once delivery); payloads carry ids only.
import type { Logger } from 'pino';
import type { Tx } from '../store/unitOfWork.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';

export interface EnqueueOptions {
  /** Replaces a pending (not running) item with the same key; a running one loses its key and is not retried. */
  jobKey?: string;
  /** Clock (virtual) time at which the item becomes due; default now. Future items wait as timers. */
  runAt?: Date;
  /** Attempts before the item is given up (default 25). */
  maxAttempts?: number;
  /** Items of one named queue run one at a time, in run_at order (e.g. one user × workload). */
  queueName?: string;
}

export interface EnqueueSpec { task: string; payload: Record<string, unknown>; opts?: EnqueueOptions }

export interface TaskHelpers {
  store: Store;
  clock: Clock;
  log: Logger;
  queue: WorkQueue;
  /** 1 on the first run; retries and re-runs after a crash count up. */
  attempt: number;
  abortSignal: AbortSignal;
}

export type TaskHandler = (payload: unknown, helpers: TaskHelpers) => Promise<void>;
export type TaskList = Record<string, TaskHandler>;

const groupCommitted = new WeakSet<TaskHandler>();

/**
 * Marks a task whose items the embedded runner (SQLite) may run several to one transaction, each in a
 * savepoint (group commit: engine/work/embeddedRunner.ts). Only for handlers that reach the store through
 * their helpers alone and may see the uncommitted writes of the items run before them in the group.
 */
export function groupCommit(handler: TaskHandler): TaskHandler {
  groupCommitted.add(handler);
  return handler;
}

export const isGroupCommitted = (handler: TaskHandler | undefined): boolean => handler !== undefined && groupCommitted.has(handler);

/**
 * Thrown by a task when retrying cannot help (bad payload, impossible state): the item is given up at
 * once. Every permanent kind extends it (PermanentMoveError, MoveError). The error never crosses a
 * thread: the runner classifies it where the task ran (engine/work/execute.ts, in the worker thread
 * for the embedded runner) and only that verdict, a boolean, is posted or stored.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

export const isPermanentError = (e: unknown): e is PermanentError => e instanceof PermanentError;

export interface WorkQueue {
  /** Adds a work item; pass the caller's transaction so the item commits with the state change. */
  enqueue(task: string, payload: Record<string, unknown>, opts?: EnqueueOptions, trx?: Tx): Promise<void>;
  /** Adds many items in one statement per table (batch enqueue). */
  enqueueMany(items: readonly EnqueueSpec[], trx?: Tx): Promise<void>;
  /** Call after committing a transaction that enqueued work: the runner looks for due items at once. */
  notify(): void;
  start(): void;
  stop(): Promise<void>;
  /**
   * Runs (or waits for the runners to run) every item due now, and what those enqueue that is due now,
   * until no item is due, none is running and none is locked. Tests and POST /xtm/admin/work/drain use it.
   */
  drain(): Promise<void>;
  /** Resolves when no due item is left and none is running (at once when no runner is on). */
  idle(): Promise<void>;
}
