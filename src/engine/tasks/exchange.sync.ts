// exchange.sync: one chunk of a mailbox's initial sync, then the next (paced in clock time); the last
// chunk makes the move `synced` and hands its slot to the next queued mailbox of the tenant.
import type { TaskHandler } from '../queue.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { nextChunkAt } from '../migration/pacing.js';
import { fillSlots, MOVE_MAX_ATTEMPTS, publishUsers, throughput, userMove, type MigrationDeps } from '../migration/orchestrator.js';
import { moveRef, moveSteps } from '../migration/moveSteps.js';

export const exchangeSync = (deps: MigrationDeps): TaskHandler => {
  const { clock } = deps;
  const { load, guarded, onChunk, midMoveFaults, scheduleAfterSync } = moveSteps(deps);
  return async (payload, h) => {
    const p = moveRef(payload);
    const ctx = await load(h, p, 'Exchange');
    if (!ctx || ctx.move.phase !== 'syncing') return;
    const { job, move } = ctx;
    const mover = deps.movers.Exchange!;
    await guarded(h, job, move, async () => {
      const um = userMove(job, move);
      if (move.passes === 0 && move.itemsDone === 0 && move.cursor === null) {
        const totals = await mover.totals(um, h);
        await migrationRepo.patch(h.store.db, move, { itemsTotal: totals.items, bytesTotal: totals.bytes }, 'syncing');
      }
      const factor = (await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: `sync:${move.cursor ?? ''}` })) ?? 1;
      const t = throughput(deps, 'Exchange');
      const result = await mover.copyChunk(um, move.cursor, t.chunkItems, h, onChunk(move, 'syncing', async (tx, r) => {
        const nowIso = clock.iso();
        if (r.cursor !== null) {
          await h.queue.enqueue('exchange.sync', p as unknown as Record<string, unknown>, { jobKey: `xsync:${job.id}:${move.userId}`, runAt: nextChunkAt(clock, t, r.items, r.bytes, factor), maxAttempts: MOVE_MAX_ATTEMPTS }, tx);
          await publishUsers(tx, job, [move.userId], nowIso);
          return;
        }
        await migrationRepo.applyMoveEvent(tx, move, 'initialSyncDone', { passes: 1, syncDoneAt: nowIso, lastSyncAt: nowIso, updatedAt: nowIso });
        await publishUsers(tx, job, [move.userId], nowIso);
        await fillSlots(tx, h.queue, deps, job.tenantId, nowIso, 1); // this move's slot passes on
        await scheduleAfterSync(tx, h, job, move.userId);
      }));
      if (result.cursor === null) await midMoveFaults(h, um, 1);
    });
    h.queue.notify();
  };
};
