// task.cancel: one user of a job cancelled; its moves stop and roll back, the job may end with it.
import { PermanentError, type TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { cancelMoves, finishIfDone, type MigrationDeps } from '../migration/orchestrator.js';
import { loadJob } from './jobPayload.js';

export const taskCancel = (deps: { migration: MigrationDeps }): TaskHandler => async (payload, h) => {
  const p = (payload ?? {}) as { jobId?: unknown; userId?: unknown };
  if (typeof p.jobId !== 'string' || typeof p.userId !== 'string') throw new PermanentError('invalid task.cancel payload');
  const task = await jobsRepo.task(h.store.db, p.jobId, p.userId);
  if (!task || !task.cancelled) return;
  const job = await loadJob(h, p.jobId);
  if (job?.jobType === 'migrate') await cancelMoves(h.store, deps.migration, job, [task.id], h);
  const nowIso = h.clock.iso();
  await inTransaction(h.store, async (tx) => {
    await jobsRepo.saveTaskStatuses(tx, p.jobId as string, [{ id: task.id, currentStatus: task.currentStatus.map((s) => (s.status === 'completed' ? s : { ...s, status: 'cancelled' as const })) }], nowIso);
    // The others may all be done already: the job ends now.
    if (job?.jobType === 'migrate') await finishIfDone(tx, job.id, nowIso);
  });
};
