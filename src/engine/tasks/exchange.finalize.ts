// exchange.finalize: the mailbox's final incremental pass, reconciliation and Data Consistency Score,
// then the conversion of both recipients; the user's other workloads start after it.
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { consistencyScore } from '../../domain/moveStatus.js';
import { failMove, finalizeWith, finishIfDone, publishUsers, StaleMoveError, startAfterCutover, userMove, type MigrationDeps } from '../migration/orchestrator.js';
import { commitJob } from '../jobs/commitJob.js';
import { mergeSkipped, moveRef, moveSteps } from '../migration/moveSteps.js';

export const exchangeFinalize = (deps: MigrationDeps): TaskHandler => {
  const { clock } = deps;
  const { load, guarded, onChunk, midMoveFaults } = moveSteps(deps);
  return async (payload, h) => {
    const p = moveRef(payload);
    const ctx = await load(h, p, 'Exchange');
    if (!ctx || ctx.job.status !== 'cuttingOver' || (ctx.move.phase !== 'synced' && ctx.move.phase !== 'finalizing')) return;
    const { job } = ctx;
    let move = ctx.move;
    const mover = deps.movers.Exchange!;
    const um = userMove(job, move);
    await guarded(h, job, move, async () => {
      if (move.phase === 'synced') {
        await inTransaction(h.store, async (tx) => {
          if (!(await migrationRepo.applyMoveEvent(tx, move, 'finalizeStarted', { updatedAt: clock.iso() }))) throw new StaleMoveError();
          await publishUsers(tx, job, [move.userId], clock.iso());
        });
        move = { ...move, phase: 'finalizing' };
      }
      await midMoveFaults(h, um, move.passes);
      await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: 'final' });
      // Final incremental pass, then source against target while both still exist.
      await mover.syncDelta!(um, h, onChunk(move, 'finalizing', async (tx, r) => {
        await migrationRepo.patch(tx, move, { passes: move.passes + 1, lastSyncAt: clock.iso(), itemsTotal: move.itemsTotal + r.items, bytesTotal: move.bytesTotal + r.bytes });
      }));
      const rec = await mover.reconcile(um, h);
      const cur = (await migrationRepo.get(h.store.db, job.id, move.userId, 'Exchange'))!;
      const skipped = mergeSkipped(cur.skipped, rec.skipped);
      const score = consistencyScore(rec.sourceCount, rec.targetCount, skipped.length);
      const nowIso = clock.iso();
      const reconciled = { sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped };
      if (score === 'Poor') {
        await inTransaction(h.store, async (tx) => {
          await migrationRepo.patch(tx, move, reconciled);
          await failMove(tx, job, cur, 'DataConsistencyScorePoor', `The Data Consistency Score is Poor: ${skipped.length} of ${rec.sourceCount} items were skipped or are missing in the target. The move can't be completed.`, nowIso);
        });
        return;
      }
      if (score === 'Investigate' && !cur.skippedApproved) {
        // Skipped items wait for an admin's approval (Set-MigrationUser -ApproveSkippedItems): adminActionRequired.
        await inTransaction(h.store, async (tx) => {
          if (!(await migrationRepo.applyMoveEvent(tx, move, 'approvalNeeded', { ...reconciled, updatedAt: nowIso }))) return;
          await publishUsers(tx, job, [move.userId], nowIso);
          await jobsRepo.lock(tx, job.id);
          const j = (await jobsRepo.byIdAnyTenant(tx, job.id))!;
          const waiting = await migrationRepo.countOfJobIn(tx, job.id, 'awaitingApproval');
          if (j.status === 'cuttingOver') await commitJob(tx, j, { type: 'adminActionRequired', users: waiting }, nowIso);
        });
        return;
      }
      await finalizeWith(mover, um, h, async (tx) => {
        // Completed: the total is what moved plus what was skipped (items the source lost meanwhile leave it), so done = total unless skipped.
        if (!(await migrationRepo.applyMoveEvent(tx, move, 'mailboxCutOver', { ...reconciled, itemsTotal: cur.itemsDone + skipped.length, updatedAt: nowIso }))) throw new StaleMoveError();
        await startAfterCutover(tx, h.queue, job, move.userId, nowIso);
        await publishUsers(tx, job, [move.userId], nowIso);
        await finishIfDone(tx, job.id, nowIso);
      });
    });
    h.queue.notify();
  };
};
