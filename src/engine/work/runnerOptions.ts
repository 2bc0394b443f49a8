// Knobs shared by both runners. Lock and heartbeat times are wall-clock time: the virtual clock may
// jump by days, which must not make a live runner's locks look stale.
export interface RunnerOptions {
  /** Handlers in flight at once (each named queue still runs one at a time). */
  concurrency?: number;
  /** Longest sleep between looks for work another process may have added. */
  pollMs?: number;
  heartbeatMs?: number;
  /** A runner silent this long is dead: its locks are released (the stale-lock sweep). */
  staleMs?: number;
  workerId?: string;
  /**
   * PostgreSQL: items one claim takes at most (graphile-worker's local queue; at least `concurrency`).
   * Claimed items wait in this worker, so a batch far above what it runs at once starves other workers.
   */
  claimBatch?: number;
  /** Handlers in flight at once for items of named queues (PostgreSQL: the serial pool). */
  serialConcurrency?: number;
}

export const RUNNER_DEFAULTS = { concurrency: 32, pollMs: 1000, heartbeatMs: 1000, staleMs: 5000, claimBatch: 0, serialConcurrency: 4 };

export function realIso(ms = Date.now()): string {
  return new Date(ms).toISOString();
}
