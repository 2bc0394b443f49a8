// spo.task: one step of a SharePoint cross-organization migration task in clock time; each step commits
// its stage event (domain/spoTaskStages.ts) together with the work item that continues it.
import type { Clock } from '../../clock.js';
import type { SpoMigrationTasksTable } from '../../store/schema.js';
import { PermanentError, type TaskHandler, type TaskHelpers } from '../queue.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { parseJson } from '../../store/json.js';
import { stageOf, type SpoStageEvent } from '../../domain/spoTaskStages.js';
import { errorOf, SPO_TASK, type StoredParameters } from '../odsp/spoTaskService.js';
import { checkTask } from '../odsp/spoTaskChecks.js';
import { MoveError } from '../odsp/moveError.js';
import { siteMover, type SiteMovePlan } from '../odsp/siteMover.js';

const CHUNK = 1000;

function planOf(task: SpoMigrationTasksTable, resolved: Awaited<ReturnType<typeof checkTask>>['resolved']): SiteMovePlan {
  if (!resolved.source) throw new MoveError('MnAMoveJobCreationFailed', `The Cross-Tenant content move job creation for the source object id [${task.source_key}] has failed. Error: [The source site does not exist.]`);
  return {
    moveId: `spo:${task.id}`, source: resolved.source, targetTenantId: task.target_tenant_id, targetUrl: resolved.targetUrl, targetTitle: resolved.targetTitle,
    targetOwnerUserId: resolved.targetOwnerUserId, targetGroupId: resolved.targetGroupId,
  };
}

export const spoTask = (deps: { clock: Clock }): TaskHandler => async (payload, h) => {
  const taskId = (payload as { taskId?: unknown } | null)?.taskId;
  if (typeof taskId !== 'string') throw new PermanentError('invalid spo.task payload');
  const task = await spoMigrationRepo.byIdAnyTenant(h.store.db, taskId);
  if (!task) return;
  try {
    await step(task, h, deps.clock);
  } catch (e) {
    if (!(e instanceof MoveError)) throw e; // transient: the runner retries the same step
    const now = deps.clock.iso();
    await spoMigrationRepo.applyStageEvent(h.store.db, task.id, stageOf(task), 'moveFailed', { error: JSON.stringify({ code: e.code, message: e.message }), finished_at: now, updated_at: now });
  }
};

async function step(task: SpoMigrationTasksTable, h: TaskHelpers, clock: Clock): Promise<void> {
  const db = h.store.db;
  const now = clock.iso();
  const nowMs = clock.nowMs();
  const stage = stageOf(task);
  const continueWith = (event: SpoStageEvent, extra: { started_at?: string } = {}) => inTransaction(h.store, async (tx) => {
    if (!(await spoMigrationRepo.applyStageEvent(tx, task.id, stage, event, { updated_at: now, ...extra }))) return;
    await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}` }, tx);
  }).then(() => h.queue.notify());
  const stored = parseJson<StoredParameters>(task.parameters, { request: { type: 'user', validateOnly: false }, raw: {}, echo: {} });

  switch (stage) {
    case 'notStarted': {
      if (task.preferred_latest_start && nowMs > Date.parse(task.preferred_latest_start)) {
        await spoMigrationRepo.applyStageEvent(db, task.id, stage, 'expired', { finished_at: now, updated_at: now });
        return;
      }
      if (task.preferred_start && nowMs < Date.parse(task.preferred_start)) {
        await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}`, runAt: new Date(task.preferred_start) });
        return;
      }
      await continueWith('started', { started_at: now });
      return;
    }
    case 'Validation': {
      const { findings } = await checkTask(h.store, task.tenant_id, task.target_tenant_id, stored.request, nowMs, task.id);
      if (findings.length) {
        await spoMigrationRepo.applyStageEvent(db, task.id, stage, 'checksFailed', { error: JSON.stringify(errorOf(findings)), finished_at: now, updated_at: now });
        return;
      }
      await continueWith('validated');
      return;
    }
    case 'Backup':
    case 'Restore': {
      const plan = async () => planOf(task, (await checkTask(h.store, task.tenant_id, task.target_tenant_id, stored.request, nowMs, task.id)).resolved);
      await siteMover.copyChunk(h, `spo:${task.id}`, plan, CHUNK, async (tx, chunk) => {
        if (!(await spoMigrationRepo.applyStageEvent(tx, task.id, stage, chunk.cursor === null ? 'copied' : 'chunkCopied', { updated_at: now }))) return;
        await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}` }, tx);
      });
      h.queue.notify();
      return;
    }
    case 'Cleanup': {
      await siteMover.finalize(h, `spo:${task.id}`);
      await spoMigrationRepo.applyStageEvent(db, task.id, stage, 'cleanedUp', { finished_at: now, updated_at: now });
      return;
    }
    default:
      return; // ended
  }
}
