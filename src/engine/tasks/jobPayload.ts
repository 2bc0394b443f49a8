// The payload of the job actions' work items: the job and the operation it was enqueued for (op_seq),
// so an item of an earlier operation finds the job moved on and does nothing.
import { PermanentError, type TaskHelpers } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';

export interface JobPayload { jobId: string; opSeq: number; phase?: 'processing' | 'inProgress' | 'check' }

export function assertJobPayload(p: unknown): asserts p is JobPayload {
  const o = p as Partial<JobPayload> | null;
  if (!o || typeof o.jobId !== 'string' || typeof o.opSeq !== 'number') throw new PermanentError('invalid job payload');
}

export const loadJob = (h: TaskHelpers, jobId: string) => jobsRepo.byIdAnyTenant(h.store.db, jobId);
