// The one way a job changes state: the state machine (domain/jobStateMachine.ts) decides the change,
// jobsRepo.applyChange commits it as a compare-and-set inside the caller's transaction.
import { afterCommit, type Tx } from '../../store/unitOfWork.js';
import { jobStatusChanged } from './jobLog.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import type { MigrationJob } from '../../domain/job.js';
import { applyChange, transition, type JobEvent } from '../../domain/jobStateMachine.js';

/** Commits one job event; the job as it now is, or undefined when the event does not apply or another writer moved the job first. */
export async function commitJob(tx: Tx, job: MigrationJob, event: JobEvent, nowIso: string): Promise<MigrationJob | undefined> {
  const change = transition(job, event, nowIso);
  if (!change || !(await jobsRepo.applyChange(tx, job, change))) return undefined;
  if (change.status !== job.status) afterCommit(tx, () => jobStatusChanged({ jobId: job.id, tenantId: job.tenantId, from: job.status, to: change.status, event: event.type }));
  return applyChange(job, change);
}
