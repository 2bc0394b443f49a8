// migration.approve: the admin approved the skipped items; the mailboxes waiting for it finalize.
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { MOVE_MAX_ATTEMPTS, publishUsers, type MigrationDeps } from '../migration/orchestrator.js';
import { commitJob } from '../jobs/commitJob.js';
import { jobRef } from '../migration/moveSteps.js';

export const migrationApprove = (deps: MigrationDeps): TaskHandler => async (payload, h) => {
  const p = jobRef(payload);
  const job = await jobsRepo.byIdAnyTenant(h.store.db, p.jobId);
  if (!job || job.status !== 'adminActionRequired') return;
  const nowIso = deps.clock.iso();
  await inTransaction(h.store, async (tx) => {
    await jobsRepo.lock(tx, job.id);
    const next = await commitJob(tx, job, { type: 'adminActionResolved', cuttingOver: true }, nowIso);
    if (!next) return;
    const approved = await migrationRepo.applyMoveEventToJob(tx, job.id, 'skippedApproved', { skippedApproved: true, updatedAt: nowIso });
    for (const m of approved) {
      await h.queue.enqueue('exchange.finalize', { jobId: job.id, userId: m.userId }, { jobKey: `xfin:${job.id}:${m.userId}`, maxAttempts: MOVE_MAX_ATTEMPTS }, tx);
    }
    await publishUsers(tx, next, approved.map((m) => m.userId), nowIso);
  });
  h.queue.notify();
};
