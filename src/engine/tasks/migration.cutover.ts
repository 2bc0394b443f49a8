// migration.cutover: at max(every initial sync done, completeAfterDateTime), inProgress → cuttingOver;
// each synced mailbox finalizes (or, without Exchange, the other workloads start at once).
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { finishIfDone, MOVE_MAX_ATTEMPTS, publishUsers, startAfterCutover, type MigrationDeps } from '../migration/orchestrator.js';
import { commitJob } from '../jobs/commitJob.js';
import { jobRef } from '../migration/moveSteps.js';
import { BEFORE_SYNCED_PHASES } from '../../domain/movePhases.js';

export const migrationCutover = (deps: MigrationDeps): TaskHandler => async (payload, h) => {
  const { clock } = deps;
  const p = jobRef(payload);
  const db = h.store.db;
  const job = await jobsRepo.byIdAnyTenant(db, p.jobId);
  if (!job || (job.status !== 'inProgress' && job.status !== 'cuttingOver')) return;
  const at = Date.parse(job.completeAfterDateTime);
  if (clock.nowMs() < at) {
    // completeAfterDateTime moved later: wait for it (PATCH re-enqueues when it moves earlier).
    await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(at) });
    return;
  }
  // Cutover waits for every initial sync: max(sync done, completeAfterDateTime). The last sync asks again
  // (moveSteps.scheduleAfterSync), so the check is an index seek, not a read of every move; it is made
  // under the lock that sync takes, so one of the two sees the other's commit.
  const syncing = await inTransaction(h.store, async (tx) => {
    await migrationRepo.lockCutoverDecision(tx, job.id);
    return migrationRepo.anyActiveIn(tx, job.id, BEFORE_SYNCED_PHASES, 'Exchange');
  });
  if (syncing) return;
  const moves = await migrationRepo.ofJob(db, job.id);
  const active = new Set((await jobsRepo.tasks(db, job.id)).filter((t) => !t.cancelled).map((t) => t.id));
  const mine = moves.filter((m) => active.has(m.userId));
  const nowIso = clock.iso();
  await inTransaction(h.store, async (tx) => {
    await jobsRepo.lock(tx, job.id);
    const cur = (await jobsRepo.byIdAnyTenant(tx, job.id))!;
    const next = cur.status === 'inProgress' ? await commitJob(tx, cur, { type: 'cutoverStarted' }, nowIso) : cur;
    if (!next || next.status !== 'cuttingOver') return;
    const finalizing = mine.filter((m) => m.workload === 'Exchange' && m.phase === 'synced')
      .map((m) => ({ task: 'exchange.finalize', payload: { jobId: job.id, userId: m.userId }, opts: { jobKey: `xfin:${job.id}:${m.userId}`, maxAttempts: MOVE_MAX_ATTEMPTS } }));
    if (finalizing.length > 0) await h.queue.enqueueMany(finalizing, tx);
    if (!job.workloads.includes('Exchange')) {
      for (const u of active) await startAfterCutover(tx, h.queue, next, u, nowIso);
      await publishUsers(tx, next, [...active], nowIso);
    }
    await finishIfDone(tx, job.id, nowIso);
  });
  h.queue.notify();
};
