// job.cancel: pendingCancel → cancelled. Users not yet cut over stop and what they copied leaves the target.
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { cancelMoves, type MigrationDeps } from '../migration/orchestrator.js';
import { commitJob } from '../jobs/commitJob.js';
import { assertJobPayload, loadJob } from './jobPayload.js';

export const jobCancel = (deps: { migration: MigrationDeps }): TaskHandler => async (payload, h) => {
  assertJobPayload(payload);
  const job = await loadJob(h, payload.jobId);
  if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingCancel') return;
  // Users not yet cut over: their moves stop and what they copied leaves the target (rule 45).
  if (job.jobType === 'migrate') await cancelMoves(h.store, deps.migration, job, undefined, h);
  const nowIso = h.clock.iso();
  await inTransaction(h.store, async (tx) => {
    const tasks = await jobsRepo.tasks(tx, job.id);
    await jobsRepo.saveTaskStatuses(tx, job.id, tasks.map((t) => ({ id: t.id, currentStatus: t.currentStatus.map((s) => (s.status === 'completed' ? s : { ...s, status: 'cancelled' as const })) })), nowIso);
    await commitJob(tx, job, { type: 'cancelFinished' }, nowIso);
  });
};
