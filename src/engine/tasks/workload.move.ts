// workload.move: ODSP / Teams / Meeting after the user's mailbox cutover, chunk by chunk, then
// reconciliation and the mover's finalize.
import { PermanentError, type TaskHandler } from '../queue.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { consistencyScore } from '../../domain/moveStatus.js';
import { nextChunkAt } from '../migration/pacing.js';
import { failMove, finalizeWith, finishIfDone, MOVE_MAX_ATTEMPTS, publishUsers, StaleMoveError, throughput, userMove, type MigrationDeps } from '../migration/orchestrator.js';
import { mergeSkipped, moveRef, moveSteps } from '../migration/moveSteps.js';
import type { MovedWorkload } from '../migration/workload.js';

export const workloadMove = (deps: MigrationDeps): TaskHandler => {
  const { clock } = deps;
  const { load, guarded, onChunk } = moveSteps(deps);
  return async (payload, h) => {
    const p = moveRef(payload);
    const w = p.workload as MovedWorkload | undefined;
    if (w !== 'ODSP' && w !== 'Teams' && w !== 'Meeting') throw new PermanentError('invalid workload.move payload');
    const ctx = await load(h, p, w);
    if (!ctx || ctx.move.phase !== 'moving') return;
    const { job, move } = ctx;
    const mover = deps.movers[w];
    if (!mover) {
      await inTransaction(h.store, (tx) => failMove(tx, job, move, 'WorkloadUnavailable', `The ${w} workload can't be migrated by this version of xtm.`, clock.iso()));
      return;
    }
    const um = userMove(job, move);
    await guarded(h, job, move, async () => {
      if (move.passes === 0) {
        const totals = await mover.totals(um, h);
        await migrationRepo.patch(h.store.db, move, { itemsTotal: totals.items, bytesTotal: totals.bytes, passes: 1 }, 'moving');
      }
      const factor = (await deps.faults?.beforeChunk(um, w, { store: h.store, clock, attempt: h.attempt, step: `move:${move.cursor ?? ''}` })) ?? 1;
      const t = throughput(deps, w);
      const r = await mover.copyChunk(um, move.cursor, t.chunkItems, h, onChunk(move, 'moving', async (tx, res) => {
        // The last chunk's progress is published with the move's outcome, a moment later: the user's task row is
        // locked once instead of twice (on PostgreSQL a user's three workloads queue on that lock, held to commit).
        if (res.cursor === null) return;
        await h.queue.enqueue('workload.move', p as unknown as Record<string, unknown>, { jobKey: `wmove:${job.id}:${move.userId}:${w}`, runAt: nextChunkAt(clock, t, res.items, res.bytes, factor), maxAttempts: MOVE_MAX_ATTEMPTS }, tx);
        await publishUsers(tx, job, [move.userId], clock.iso());
      }));
      if (r.cursor !== null) return;
      const rec = await mover.reconcile(um, h);
      const cur = (await migrationRepo.get(h.store.db, job.id, move.userId, w))!;
      const skipped = mergeSkipped(cur.skipped, rec.skipped);
      const score = consistencyScore(rec.sourceCount, rec.targetCount, skipped.length);
      const nowIso = clock.iso();
      await finalizeWith(mover, um, h, async (tx) => {
        const reconciled = { sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped, updatedAt: nowIso };
        const ok = rec.outcome === 'failed'
          ? await migrationRepo.applyMoveEvent(tx, move, 'moveRejected', { ...reconciled, errorCode: rec.errors?.[0]?.code ?? 'MIGR-003', errorMessage: rec.message ?? rec.errors?.[0]?.message ?? '' })
          // Completed: the total is what moved plus what was skipped, so done = total unless skipped.
          : await migrationRepo.applyMoveEvent(tx, move, 'moved', { ...reconciled, itemsTotal: cur.itemsDone + skipped.length, errorCode: null, errorMessage: rec.message ?? null });
        if (!ok) throw new StaleMoveError();
        await publishUsers(tx, job, [move.userId], nowIso);
        await finishIfDone(tx, job.id, nowIso);
      });
    });
    h.queue.notify();
  };
};
