// job.validate: submitted → validateProcessing → validateInProgress → validatePassed / validateFailed, one
// phase per work item (payload.phase), each a job state machine event committed with the next item.
import type { TaskHandler } from '../queue.js';
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { initialStatus, type ServiceStatusDetails } from '../../domain/job.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { commitJob } from '../jobs/commitJob.js';
import { assertJobPayload, loadJob } from './jobPayload.js';

export const jobValidate = (deps: { config: XtmConfig; clock: Clock; validate: ValidationExecutor }): TaskHandler => async (payload, h) => {
  const later = (ms: number) => new Date(deps.clock.nowMs() + ms);
  assertJobPayload(payload);
  const job = await loadJob(h, payload.jobId);
  if (!job || job.opSeq !== payload.opSeq) return;
  const db = h.store.db;
  const nowIso = h.clock.iso();
  switch (payload.phase ?? 'processing') {
    case 'processing': {
      await inTransaction(h.store, async (tx) => {
        if (!(await commitJob(tx, job, { type: 'validationProcessing' }, nowIso))) return;
        await h.queue.enqueue('job.validate', { ...payload, phase: 'inProgress' }, { jobKey: `validate:${job.id}`, runAt: later(deps.config.phaseDelayMs) }, tx);
      });
      h.queue.notify();
      return;
    }
    case 'inProgress': {
      await inTransaction(h.store, async (tx) => {
        if (!(await commitJob(tx, job, { type: 'validationInProgress' }, nowIso))) return;
        // The validate request gave every active user initialStatus(workloads): write its inProgress
        // form as one value, rather than rewrite each user's JSON in SQL.
        await jobsRepo.setActiveTaskStatuses(tx, job.id, initialStatus(job.workloads).map((s) => ({ ...s, status: 'inProgress' as const })), nowIso);
        await h.queue.enqueue('job.validate', { ...payload, phase: 'check' }, { jobKey: `validate:${job.id}`, runAt: later(deps.config.phaseDelayMs) }, tx);
      });
      h.queue.notify();
      return;
    }
    case 'check': {
      if (job.status !== 'validateInProgress') return;
      const tasks = (await jobsRepo.tasks(db, job.id)).filter((t) => !t.cancelled);
      const results = await deps.validate(h.store, job, tasks.map((t) => t.id), { nowMs: h.clock.nowMs(), mode: 'all' });
      const updates = tasks.map((t) => ({ id: t.id, currentStatus: results.get(t.id) ?? missingResult(t.currentStatus) }));
      const failed = updates.filter((u) => u.currentStatus.some((s) => s.status !== 'valid')).length;
      const doneIso = h.clock.iso();
      await inTransaction(h.store, async (tx) => {
        // Compare-and-set first: if the job was cancelled meanwhile, nothing is written.
        if (await commitJob(tx, job, { type: 'validationFinished', failedUsers: failed, totalUsers: tasks.length }, doneIso)) {
          await jobsRepo.saveTaskStatuses(tx, job.id, updates, doneIso);
        }
      });
      return;
    }
  }
};

function missingResult(current: ServiceStatusDetails[]): ServiceStatusDetails[] {
  return current.map((s) => ({ ...s, status: 'error', message: 'The validation engine returned no result for this user.', errors: [{ code: 'CTM-103', message: 'Internal error.' }] }));
}
