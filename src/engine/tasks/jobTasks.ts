// Durable work items behind the job actions. Each reads current state first and does nothing when
// the job has moved on (op_seq changed, or another status), so a rerun or a stale item is harmless.
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { JobMessages } from '../../domain/jobStateMachine.js';
import type { ServiceStatusDetails } from '../../domain/job.js';
import type { TaskHelpers, TaskList } from '../queue.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';

interface JobPayload { jobId: string; opSeq: number; phase?: 'processing' | 'inProgress' | 'check' }

function assertJobPayload(p: unknown): asserts p is JobPayload {
  const o = p as Partial<JobPayload> | null;
  if (!o || typeof o.jobId !== 'string' || typeof o.opSeq !== 'number') throw new Error('invalid job payload');
}

async function loadJob(h: TaskHelpers, jobId: string) {
  const row = await h.store.db.selectFrom('migration_jobs').select('tenant_id').where('id', '=', jobId).executeTakeFirst();
  return row ? jobsRepo.byId(h.store.db, row.tenant_id, jobId) : undefined;
}

export function jobTasks(deps: { config: XtmConfig; clock: Clock; validate: ValidationExecutor }): TaskList {
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
          if (job.status !== 'validateSubmitted') return;
          await db.transaction().execute(async (trx) => {
            if (!(await jobsRepo.transition(trx, job.id, ['validateSubmitted'], { status: 'validateProcessing', message: JobMessages.validateProcessing, updated_at: nowIso }, job.opSeq))) return;
            await h.queue.enqueue('job.validate', { ...payload, phase: 'inProgress' }, { jobKey: `validate:${job.id}`, runAt: later(deps.config.phaseDelayMs) }, trx);
          });
          h.queue.notify();
          return;
        }
        case 'inProgress': {
          if (job.status !== 'validateProcessing') return;
          await db.transaction().execute(async (trx) => {
            if (!(await jobsRepo.transition(trx, job.id, ['validateProcessing'], { status: 'validateInProgress', message: JobMessages.validateInProgress, updated_at: nowIso }, job.opSeq))) return;
            const tasks = (await jobsRepo.tasks(trx, job.id)).filter((t) => !t.cancelled);
            await jobsRepo.saveTaskStatuses(trx, job.id, tasks.map((t) => ({ id: t.id, currentStatus: t.currentStatus.map((s) => ({ ...s, status: 'inProgress' as const, message: '', errors: [] })) })), nowIso);
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
            const passed = failed === 0;
            const ok = await jobsRepo.transition(trx, job.id, ['validateInProgress'], {
              status: passed ? 'validatePassed' : 'validateFailed',
              message: passed ? JobMessages.validatePassed : JobMessages.validateFailed(failed, tasks.length),
              updated_at: doneIso,
              validated_at: passed ? doneIso : null,
            }, job.opSeq);
            if (ok) await jobsRepo.saveTaskStatuses(trx, job.id, updates, doneIso);
          });
          return;
        }
      }
    },

    'job.cancel': async (payload, h) => {
      assertJobPayload(payload);
      const job = await loadJob(h, payload.jobId);
      if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingCancel') return;
      const nowIso = h.clock.iso();
      await h.store.db.transaction().execute(async (trx) => {
        const tasks = await jobsRepo.tasks(trx, job.id);
        await jobsRepo.saveTaskStatuses(trx, job.id, tasks.map((t) => ({ id: t.id, currentStatus: t.currentStatus.map((s) => ({ ...s, status: 'cancelled' as const })) })), nowIso);
        await jobsRepo.transition(trx, job.id, ['pendingCancel'], { status: 'cancelled', message: JobMessages.cancelled, updated_at: nowIso }, job.opSeq);
      });
    },

    'job.delete': async (payload, h) => {
      assertJobPayload(payload);
      const job = await loadJob(h, payload.jobId);
      if (!job || job.opSeq !== payload.opSeq || job.status !== 'pendingDelete') return;
      const nowIso = h.clock.iso();
      // The batch's data is purged; a tombstone with status `deleted` remains and frees the display name.
      await h.store.db.transaction().execute(async (trx) => {
        await jobsRepo.deleteTasks(trx, job.id);
        await jobsRepo.transition(trx, job.id, ['pendingDelete'], { status: 'deleted', message: JobMessages.deleted, resources: '[]', exchange_settings: null, updated_at: nowIso }, job.opSeq);
      });
    },

    'task.cancel': async (payload, h) => {
      const p = payload as { jobId?: unknown; userId?: unknown };
      if (typeof p.jobId !== 'string' || typeof p.userId !== 'string') throw new Error('invalid task.cancel payload');
      const task = await jobsRepo.task(h.store.db, p.jobId, p.userId);
      if (!task || !task.cancelled) return;
      await jobsRepo.saveTaskStatuses(h.store.db, p.jobId, [{ id: task.id, currentStatus: task.currentStatus.map((s) => ({ ...s, status: 'cancelled' as const })) }], h.clock.iso());
    },
  };
}

function missingResult(current: ServiceStatusDetails[]): ServiceStatusDetails[] {
  return current.map((s) => ({ ...s, status: 'error', message: 'The validation engine returned no result for this user.', errors: [{ code: 'CTM-103', message: 'Internal error.' }] }));
}
