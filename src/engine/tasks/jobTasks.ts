// Durable work items behind the job actions. Each reads current state first and does nothing when
// the job has moved on (op_seq changed, or another status), so a rerun or a stale item is harmless.
// Status changes go through the state machine (domain/jobStateMachine transition), never by hand.
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { workRepo } from '../../store/workRepo.js';
import { initialStatus, type ServiceStatusDetails } from '../../domain/job.js';
import { PermanentError, type TaskHelpers, type TaskList } from '../queue.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { cancelMoves, commitJob, finishIfDone, type MigrationDeps } from '../migration/orchestrator.js';

interface JobPayload { jobId: string; opSeq: number; phase?: 'processing' | 'inProgress' | 'check' }

function assertJobPayload(p: unknown): asserts p is JobPayload {
  const o = p as Partial<JobPayload> | null;
  if (!o || typeof o.jobId !== 'string' || typeof o.opSeq !== 'number') throw new PermanentError('invalid job payload');
}

const loadJob = (h: TaskHelpers, jobId: string) => jobsRepo.byIdAnyTenant(h.store.db, jobId);

export function jobTasks(deps: { config: XtmConfig; clock: Clock; validate: ValidationExecutor; migration: MigrationDeps }): TaskList {
  const later = (ms: number) => new Date(deps.clock.nowMs() + ms);

  return {
    'job.validate': async (payload, h) => {
      assertJobPayload(payload);
      const job = await loadJob(h, payload.jobId);
      if (!job || job.opSeq !== payload.opSeq) return;
      const db = h.store.db;
      const nowIso = h.clock.iso();
      switch (payload.phase ?? 'processing') {
        case 'processing': {
          await db.transaction().execute(async (trx) => {
            if (!(await commitJob(trx, job, { type: 'validationProcessing' }, nowIso))) return;
            await h.queue.enqueue('job.validate', { ...payload, phase: 'inProgress' }, { jobKey: `validate:${job.id}`, runAt: later(deps.config.phaseDelayMs) }, trx);
          });
          h.queue.notify();
          return;
        }
        case 'inProgress': {
          await db.transaction().execute(async (trx) => {
            if (!(await commitJob(trx, job, { type: 'validationInProgress' }, nowIso))) return;
            // The validate request gave every active user initialStatus(workloads): write its inProgress
            // form as one value, rather than rewrite each user's JSON in SQL.
            await jobsRepo.setActiveTaskStatuses(trx, job.id, initialStatus(job.workloads).map((s) => ({ ...s, status: 'inProgress' as const })), nowIso);
            await h.queue.enqueue('job.validate', { ...payload, phase: 'check' }, { jobKey: `validate:${job.id}`, runAt: later(deps.config.phaseDelayMs) }, trx);
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
          await db.transaction().execute(async (trx) => {
            // Compare-and-set first: if the job was cancelled meanwhile, nothing is written.
            if (await commitJob(trx, job, { type: 'validationFinished', failedUsers: failed, totalUsers: tasks.length }, doneIso)) {
              await jobsRepo.saveTaskStatuses(trx, job.id, updates, doneIso);
            }
          });
          return;
        }
      }
    },

    'job.cancel': async (payload, h) => {
      assertJobPayload(payload);
      const job = await loadJob(h, payload.jobId);
      if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingCancel') return;
      // Users not yet cut over: their moves stop and what they copied leaves the target (rule 45).
      if (job.jobType === 'migrate') await cancelMoves(h.store, deps.migration, job, undefined, h);
      const nowIso = h.clock.iso();
      await h.store.db.transaction().execute(async (trx) => {
        const tasks = await jobsRepo.tasks(trx, job.id);
        await jobsRepo.saveTaskStatuses(trx, job.id, tasks.map((t) => ({ id: t.id, currentStatus: t.currentStatus.map((s) => (s.status === 'completed' ? s : { ...s, status: 'cancelled' as const })) })), nowIso);
        // Its scheduled steps go with it: a cutover timer left behind blocked a clock reset (409) for 18 months.
        if (await commitJob(trx, job, { type: 'cancelFinished' }, nowIso)) await workRepo.removeTimerKeys(trx, scheduledKeys(job.id, tasks.map((t) => t.id)));
      });
    },

    'job.delete': async (payload, h) => {
      assertJobPayload(payload);
      const job = await loadJob(h, payload.jobId);
      if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingDelete') return;
      const nowIso = h.clock.iso();
      // The batch's data is purged (tasks, moves, id maps; the moved content stays); a tombstone with
      // status `deleted` remains and frees the display name.
      await h.store.db.transaction().execute(async (trx) => {
        await migrationRepo.purgeJob(trx, job.id);
        await jobsRepo.deleteTasks(trx, job.id);
        if (await commitJob(trx, job, { type: 'deleteFinished' }, nowIso)) await jobsRepo.clearResources(trx, job.id);
      });
    },

    'task.cancel': async (payload, h) => {
      const p = (payload ?? {}) as { jobId?: unknown; userId?: unknown };
      if (typeof p.jobId !== 'string' || typeof p.userId !== 'string') throw new PermanentError('invalid task.cancel payload');
      const task = await jobsRepo.task(h.store.db, p.jobId, p.userId);
      if (!task || !task.cancelled) return;
      const job = await loadJob(h, p.jobId);
      if (job?.jobType === 'migrate') await cancelMoves(h.store, deps.migration, job, [task.id], h);
      const nowIso = h.clock.iso();
      await h.store.db.transaction().execute(async (trx) => {
        await jobsRepo.saveTaskStatuses(trx, p.jobId as string, [{ id: task.id, currentStatus: task.currentStatus.map((s) => (s.status === 'completed' ? s : { ...s, status: 'cancelled' as const })) }], nowIso);
        await workRepo.removeTimerKeys(trx, scheduledKeys(p.jobId as string, [task.id]).slice(1)); // the user's syncs; the job's cutover stays
        // The others may all be done already: the job ends now.
        if (job?.jobType === 'migrate') await finishIfDone(trx, job.id, nowIso);
      });
    },
  };
}

/** The job keys of a migrating job's timers (engine/migration/tasks.ts): its cutover, then each user's incremental sync. */
function scheduledKeys(jobId: string, userIds: readonly string[]): string[] {
  return [`cutover:${jobId}`, ...userIds.map((u) => `xinc:${jobId}:${u}`)];
}

function missingResult(current: ServiceStatusDetails[]): ServiceStatusDetails[] {
  return current.map((s) => ({ ...s, status: 'error', message: 'The validation engine returned no result for this user.', errors: [{ code: 'CTM-103', message: 'Internal error.' }] }));
}
