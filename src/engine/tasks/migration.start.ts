// migration.start: processing → inProgress. The first-failure re-validation, the moves created, slots granted.
import type { TaskHandler } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo } from '../../store/migrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import type { Workload } from '../../domain/enums.js';
import type { MovePhase } from '../../domain/movePhases.js';
import { fillSlots, finishIfDone, publishUsers, type MigrationDeps } from '../migration/orchestrator.js';
import { commitJob } from '../jobs/commitJob.js';
import { jobRef } from '../migration/moveSteps.js';

export const migrationStart = (deps: MigrationDeps): TaskHandler => async (payload, h) => {
  const { clock } = deps;
  const p = jobRef(payload);
  const job = await jobsRepo.byIdAnyTenant(h.store.db, p.jobId);
  if (!job || job.opSeq !== p.opSeq || job.status !== 'processing') return;
  const db = h.store.db;
  const tasks = (await jobsRepo.tasks(db, job.id)).filter((t) => !t.cancelled);
  const done = new Set((await migrationRepo.ofJob(db, job.id)).filter((m) => m.phase === 'completed').map((m) => `${m.userId}|${m.workload}`));
  const todo = tasks.filter((t) => job.workloads.some((w) => !done.has(`${t.id}|${w}`)));
  // Migrate re-runs the checks but reports only the first failure; a user failing them fails alone.
  const results = todo.length ? await deps.validate(h.store, job, todo.map((t) => t.id), { nowMs: clock.nowMs(), mode: 'firstFailure' }) : new Map();
  const sources = await migrationRepo.sourceUsers(db, job.tenantId, job.sourceTenantId, todo.map((t) => t.id));
  const nowIso = clock.iso();
  const rows: Parameters<typeof migrationRepo.startMoves>[1] = [];
  for (const t of todo) {
    const fail = (results.get(t.id) ?? []).find((s: { service: Workload; status: string; errors: unknown[] }) => (s.status === 'invalid' || s.status === 'error') && !done.has(`${t.id}|${s.service}`));
    const err = fail?.errors[0] ?? (fail ? { code: 'CTM-103', message: 'Internal error.' } : undefined);
    const sourceUserId = sources.get(t.id) ?? null;
    for (const w of job.workloads) {
      if (done.has(`${t.id}|${w}`)) continue;
      const noMapping = !err && !sourceUserId;
      // A (re)started move begins here; movePhases.ts takes it on from this phase.
      const phase: MovePhase = err || noMapping ? 'failed' : w === 'Exchange' ? 'queued' : 'waiting';
      rows.push({
        jobId: job.id, userId: t.id, workload: w, tenantId: job.tenantId, sourceTenantId: job.sourceTenantId, sourceUserId, phase, nowIso,
        errorCode: err?.code ?? (noMapping ? 'CTM-100' : null), errorMessage: err?.message ?? (noMapping ? 'User migration validation failed. User identity mapping not found.' : null),
      });
    }
  }
  await inTransaction(h.store, async (tx) => {
    await jobsRepo.lock(tx, job.id);
    const started = await commitJob(tx, job, { type: 'migrationStarted' }, nowIso);
    if (!started) return;
    await migrationRepo.startMoves(tx, rows);
    await fillSlots(tx, h.queue, deps, job.tenantId, nowIso);
    await publishUsers(tx, started, todo.map((t) => t.id), nowIso);
    await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(Math.max(clock.nowMs(), Date.parse(job.completeAfterDateTime))) }, tx);
    await finishIfDone(tx, job.id, nowIso);
  });
  h.queue.notify();
};
