// The orchestrator's side of the migration faults to rehearse (engine/migration/faults.ts holds them):
// before each chunk or pass a permanent error fails the move and a transient one fails this attempt
// (retried with backoff); slow throughput stretches the pacing; at each pass boundary the mid-move
// faults that are due change the source (aux archive, hold, content) and may stop the move.
import { consumeTransient, fireMidMoveFaults, loadFaults } from './faults.js';
import { PermanentMoveError, type MoveFaults } from './orchestrator.js';

/** A transient error: the work item fails this attempt and the runner retries it after a backoff. */
export class TransientMoveError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'TransientMoveError';
  }
}

export const storeFaults: MoveFaults = {
  async beforeChunk(move, workload, h) {
    const target = { tenantId: move.sourceTenantId, userId: move.sourceUserId, workload };
    const f = await loadFaults(h.store.db, target);
    if (f.permanent) throw new PermanentMoveError(f.permanent.code, f.permanent.message);
    if (f.transientRemaining > 0) {
      const r = await consumeTransient(h.store.db, h.clock, { ...target, attemptKey: `${move.jobId}:${move.taskId}:${h.step}:${h.attempt}` });
      if (r.fail) throw new TransientMoveError(r.error.code, r.error.message);
    }
    return f.throughputFactor;
  },

  async afterPass(move, workload, completedPasses, h) {
    const fired = await fireMidMoveFaults(h.store, h.clock, { tenantId: move.sourceTenantId, userId: move.sourceUserId, workload, completedPasses });
    return fired.find((x) => x.error)?.error ?? null;
  },
};
