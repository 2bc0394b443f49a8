// The work-queue port. Embedded mode: the in-process durable runner on SQLite (engine/runner.ts);
// PostgreSQL mode (later): graphile-worker behind the same interface. Every task is idempotent and
// may run more than once (at-least-once delivery); payloads carry ids only.
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';

export interface EnqueueOptions {
  /** Replaces a pending (not running) item with the same key instead of adding another. */
  jobKey?: string;
  /** Virtual time (clock service) at which the item becomes due; default now. */
  runAt?: Date;
  maxAttempts?: number;
}

export interface TaskHelpers {
  store: Store;
  clock: Clock;
  log: Logger;
  queue: WorkQueue;
  attempt: number;
  abortSignal: AbortSignal;
}

export type TaskHandler = (payload: unknown, helpers: TaskHelpers) => Promise<void>;
export type TaskList = Record<string, TaskHandler>;

export interface WorkQueue {
  /** Adds a work item; pass the caller's transaction so the item commits with the state change. */
  enqueue(task: string, payload: Record<string, unknown>, opts?: EnqueueOptions, trx?: Kysely<Database> | Transaction<Database>): Promise<void>;
  /** Call after committing a transaction that enqueued work: the runner looks for due items at once. */
  notify(): void;
  start(): void;
  stop(): Promise<void>;
  /** Runs every item due now (and what those enqueue that is due now) until none is left. Tests use it. */
  drain(): Promise<void>;
  /** Resolves when no due item is left and none is running. */
  idle(): Promise<void>;
}
