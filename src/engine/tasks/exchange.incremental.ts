// exchange.incremental: an incremental pass every IncrementalSyncInterval until cutover (the cutover makes the final one).
import type { TaskHandler } from '../queue.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { publishUsers, userMove, type MigrationDeps } from '../migration/orchestrator.js';
import { moveRef, moveSteps } from '../migration/moveSteps.js';

export const exchangeIncremental = (deps: MigrationDeps): TaskHandler => {
  const { clock } = deps;
  const { load, guarded, onChunk, midMoveFaults, scheduleAfterSync } = moveSteps(deps);
  return async (payload, h) => {
    const p = moveRef(payload);
    const ctx = await load(h, p, 'Exchange');
    if (!ctx || ctx.move.phase !== 'synced' || ctx.job.status !== 'inProgress') return;
    const { job, move } = ctx;
    if (clock.nowMs() >= Date.parse(job.completeAfterDateTime)) return;
    await guarded(h, job, move, async () => {
      const um = userMove(job, move);
      await midMoveFaults(h, um, move.passes);
      await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: `pass:${move.passes + 1}` });
      await deps.movers.Exchange!.syncDelta!(um, h, onChunk(move, 'synced', async (tx, r) => {
        const nowIso = clock.iso();
        await migrationRepo.patch(tx, move, { passes: move.passes + 1, lastSyncAt: nowIso, itemsTotal: move.itemsTotal + r.items, bytesTotal: move.bytesTotal + r.bytes, updatedAt: nowIso });
        await publishUsers(tx, job, [move.userId], nowIso);
        await scheduleAfterSync(tx, h, job, move.userId);
      }));
      await midMoveFaults(h, um, move.passes + 1);
    });
    h.queue.notify();
  };
};
