// job.delete: pendingDelete → deleted; the batch's migration data is purged, the moved content stays.
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { commitJob } from '../jobs/commitJob.js';
import { assertJobPayload, loadJob } from './jobPayload.js';

export const jobDelete = (): TaskHandler => async (payload, h) => {
  assertJobPayload(payload);
  const job = await loadJob(h, payload.jobId);
  if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingDelete') return;
  const nowIso = h.clock.iso();
  // The batch's data is purged (tasks, moves, id maps; the moved content stays); a tombstone with
  // status `deleted` remains and frees the display name.
  await inTransaction(h.store, async (tx) => {
    await migrationRepo.purgeJob(tx, job.id);
    await jobsRepo.deleteTasks(tx, job.id);
    if (await commitJob(tx, job, { type: 'deleteFinished' }, nowIso)) await jobsRepo.clearResources(tx, job.id);
  });
};
