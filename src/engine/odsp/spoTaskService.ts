// SharePoint cross-organization migration tasks: create (checks, then the task row and its first work
// item in one transaction), cancel, and the durable execution on the runner in clock time:
// notStarted (Scheduled until preferredStartDateTime) → inProgress: Validation → Backup → Restore →
// Cleanup → completed | failed; cancelled when not started by preferredLatestStartDateTime.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { SpoMigrationTasksTable } from '../../store/schema.js';
import { PermanentError, type TaskHelpers, type TaskList, type WorkQueue } from '../queue.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { DomainError } from '../../domain/errors.js';
import type { Finding } from '../../domain/validation/types.js';
import type { MoveStage, SpoTaskRequest } from '../../domain/spoMigrationTask.js';
import { parseJson } from '../../store/json.js';
import { checkTask } from './spoTaskChecks.js';
import { MoveError } from './moveError.js';
import { siteMover, type SiteMovePlan } from './siteMover.js';

export const SPO_TASK = 'spo.task';
const CHUNK = 1000;

/** What a task keeps of its request: the checked request, the client's parameters, resolved identities. */
export interface StoredParameters { request: SpoTaskRequest; raw: Record<string, unknown>; echo: Record<string, unknown> }

/** A failing check as the task's `error` (publicError): the first finding, every finding in details. */
export function errorOf(findings: Finding[]) {
  const first = findings[0]!;
  return { code: first.code, message: first.message, details: findings.map((f) => ({ code: f.code, message: f.message })) };
}

const unprocessable = (findings: Finding[]) =>
  new DomainError('unprocessable', 'unprocessableEntity', findings[0]!.message, undefined, findings.map((f) => ({ code: f.code, message: f.message })));

export class SpoTaskService {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly queue: WorkQueue) {}

  /** The target organization: by id, by host, by the target site's host, or the source's one MnA partner. */
  async resolveTarget(sourceTenantId: string, req: SpoTaskRequest): Promise<string> {
    const db = this.store.db;
    let targetId: string | undefined;
    if (req.targetOrganizationHost && /-admin\.sharepoint\./i.test(req.targetOrganizationHost)) {
      throw new DomainError('unprocessable', 'MnAFatalErrorAdminSiteCouldNotBeUsedAsMySiteHost', 'Cross-tenant moves are blocked because the TargetCrossTenantHostUrl value is incorrect.', 'targetOrganizationHost');
    }
    if (req.targetOrganizationId) targetId = (await spoMigrationRepo.tenant(db, req.targetOrganizationId))?.id;
    else if (req.targetOrganizationHost) targetId = (await spoMigrationRepo.tenantByHost(db, req.targetOrganizationHost))?.id;
    else if (req.targetSiteUrl) targetId = (await spoMigrationRepo.tenantByHost(db, new URL(req.targetSiteUrl).origin))?.id;
    else {
      const source = await spoMigrationRepo.tenant(db, sourceTenantId);
      const partners = await Promise.all((await spoMigrationRepo.targetPartnerHosts(db, sourceTenantId)).map((host) => spoMigrationRepo.tenantByHost(db, host)));
      const found = partners.filter((p) => p && p.id !== source?.id);
      if (found.length === 1) targetId = found[0]!.id;
    }
    const partner = req.targetOrganizationHost ?? req.targetOrganizationId ?? (req.targetSiteUrl ? new URL(req.targetSiteUrl).origin : '');
    if (!targetId) {
      throw new DomainError('unprocessable', 'MnATrustNoSetupForPartner', `There is no Cross-Tenant relationship established for partner [${partner.toLowerCase()}] and role [Target].`);
    }
    if (targetId === sourceTenantId) {
      throw new DomainError('notImplemented', 'MnAPartnersOnTheSameFarm',
        'The cross-tenant move cannot be performed because the partners reside in the same SPO location that prevents them from migrating.');
    }
    return targetId;
  }

  async create(sourceTenantId: string, req: SpoTaskRequest, raw: Record<string, unknown>): Promise<{ task?: SpoMigrationTasksTable; validateOnly?: { findings: Finding[]; echo: Record<string, unknown> } }> {
    const targetTenantId = await this.resolveTarget(sourceTenantId, req);
    const { resolved, findings } = await checkTask(this.store, sourceTenantId, targetTenantId, req, this.clock.nowMs());
    if (req.validateOnly) return { validateOnly: { findings, echo: resolved.echo } };
    if (findings.length) throw unprocessable(findings);
    const now = this.clock.iso();
    const start = req.preferredStartDateTime && Date.parse(req.preferredStartDateTime) > this.clock.nowMs() ? req.preferredStartDateTime : undefined;
    const row: SpoMigrationTasksTable = {
      id: randomUUID(), tenant_id: sourceTenantId, target_tenant_id: targetTenantId, task_type: req.type, source_key: resolved.sourceKey,
      parameters: JSON.stringify({ request: req, raw, echo: resolved.echo } satisfies StoredParameters), status: 'notStarted',
      move_state: start ? 'Scheduled' : 'ReadyToTrigger', stage: null, error: null,
      preferred_start: req.preferredStartDateTime ?? null, preferred_latest_start: req.preferredLatestStartDateTime ?? null,
      started_at: null, finished_at: null, created_at: now, updated_at: now,
    };
    await this.store.db.transaction().execute(async (trx) => {
      // Re-checked inside the transaction: two creates for one source never both succeed.
      if (await spoMigrationRepo.activeForSource(trx, sourceTenantId, req.type, resolved.sourceKey)) {
        throw unprocessable([{ code: 'MnASiteMoveIsInprogressOrFinished', message: `Failed to initiate cross-tenant move because another move job for the same source URL [${resolved.source?.url ?? resolved.sourceKey}] is already in progress or has finished.` }]);
      }
      await spoMigrationRepo.insert(trx, row);
      await this.queue.enqueue(SPO_TASK, { taskId: row.id }, { jobKey: `spo:${row.id}`, runAt: start ? new Date(start) : this.clock.now() }, trx);
    });
    this.queue.notify();
    return { task: row };
  }

  /** Before the task starts only (Stop-SPOCrossTenant*ContentMove); 409 once it runs or ended. */
  async cancel(sourceTenantId: string, id: string): Promise<void> {
    const task = await spoMigrationRepo.byId(this.store.db, sourceTenantId, id);
    if (!task) throw new DomainError('notFound', 'itemNotFound', `The migration task ${id} could not be found.`);
    const now = this.clock.iso();
    const ok = task.status === 'notStarted' &&
      (await spoMigrationRepo.transition(this.store.db, id, { status: 'notStarted' }, { status: 'cancelled', move_state: 'Stopped', finished_at: now, updated_at: now }));
    if (ok) return;
    const current = (await spoMigrationRepo.byId(this.store.db, sourceTenantId, id))!;
    if (current.status === 'inProgress') throw new DomainError('conflict', 'conflict', "Can't process the canceled request because the task is in progress");
    throw new DomainError('conflict', 'conflict', `Can't process the canceled request because the task is ${current.status}`);
  }
}

// ---- execution ----------------------------------------------------------------------------------------

function planOf(task: SpoMigrationTasksTable, resolved: Awaited<ReturnType<typeof checkTask>>['resolved']): SiteMovePlan {
  if (!resolved.source) throw new MoveError('MnAMoveJobCreationFailed', `The Cross-Tenant content move job creation for the source object id [${task.source_key}] has failed. Error: [The source site does not exist.]`);
  return {
    moveId: `spo:${task.id}`, source: resolved.source, targetTenantId: task.target_tenant_id, targetUrl: resolved.targetUrl, targetTitle: resolved.targetTitle,
    targetOwnerUserId: resolved.targetOwnerUserId, targetGroupId: resolved.targetGroupId,
  };
}

export function spoTasks(deps: { clock: Clock }): TaskList {
  return {
    [SPO_TASK]: async (payload, h) => {
      const taskId = (payload as { taskId?: unknown } | null)?.taskId;
      if (typeof taskId !== 'string') throw new PermanentError('invalid spo.task payload');
      const task = await spoMigrationRepo.byIdAnyTenant(h.store.db, taskId);
      if (!task) return;
      try {
        await step(task, h, deps.clock);
      } catch (e) {
        if (!(e instanceof MoveError)) throw e; // transient: the runner retries the same step
        const now = deps.clock.iso();
        await spoMigrationRepo.transition(h.store.db, task.id, { status: task.status, stage: task.stage }, {
          status: 'failed', move_state: 'Failed', error: JSON.stringify({ code: e.code, message: e.message }), finished_at: now, updated_at: now,
        });
      }
    },
  };
}

/** One step of a task; each commits its state change together with the work item that continues it. */
async function step(task: SpoMigrationTasksTable, h: TaskHelpers, clock: Clock): Promise<void> {
  const db = h.store.db;
  const now = clock.iso();
  const nowMs = clock.nowMs();
  const next = (stage: MoveStage, extra: Partial<SpoMigrationTasksTable> = {}) => db.transaction().execute(async (trx) => {
    if (!(await spoMigrationRepo.transition(trx, task.id, { status: task.status, stage: task.stage }, { status: 'inProgress', move_state: 'InProgress', stage, updated_at: now, ...extra }))) return;
    await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}` }, trx);
  }).then(() => h.queue.notify());
  const stored = parseJson<StoredParameters>(task.parameters, { request: { type: 'user', validateOnly: false }, raw: {}, echo: {} });

  if (task.status === 'notStarted') {
    if (task.preferred_latest_start && nowMs > Date.parse(task.preferred_latest_start)) {
      await spoMigrationRepo.transition(db, task.id, { status: 'notStarted' }, { status: 'cancelled', move_state: 'Stopped', finished_at: now, updated_at: now });
      return;
    }
    if (task.preferred_start && nowMs < Date.parse(task.preferred_start)) {
      await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}`, runAt: new Date(task.preferred_start) });
      return;
    }
    await next('Validation', { started_at: now });
    return;
  }
  if (task.status !== 'inProgress') return;
  switch (task.stage as MoveStage) {
    case 'Validation': {
      const { findings } = await checkTask(h.store, task.tenant_id, task.target_tenant_id, stored.request, nowMs, task.id);
      if (findings.length) {
        await spoMigrationRepo.transition(db, task.id, { status: 'inProgress', stage: 'Validation' }, {
          status: 'failed', move_state: 'Failed', error: JSON.stringify(errorOf(findings)), finished_at: now, updated_at: now,
        });
        return;
      }
      await next('Backup');
      return;
    }
    case 'Backup':
    case 'Restore': {
      // Backup: the source goes read-only, the target is created, the first chunk copies; Restore: the rest.
      const plan = async () => planOf(task, (await checkTask(h.store, task.tenant_id, task.target_tenant_id, stored.request, nowMs, task.id)).resolved);
      await siteMover.copyChunk(h, `spo:${task.id}`, plan, CHUNK, async (trx, chunk) => {
        const stage: MoveStage = chunk.cursor === null ? 'Cleanup' : 'Restore';
        if (!(await spoMigrationRepo.transition(trx, task.id, { status: 'inProgress', stage: task.stage }, { stage, updated_at: now }))) return;
        await h.queue.enqueue(SPO_TASK, { taskId: task.id }, { jobKey: `spo:${task.id}` }, trx);
      });
      h.queue.notify();
      return;
    }
    case 'Cleanup': {
      await siteMover.finalize(h, `spo:${task.id}`);
      await spoMigrationRepo.transition(db, task.id, { status: 'inProgress', stage: 'Cleanup' }, { status: 'completed', move_state: 'Success', finished_at: now, updated_at: now });
      return;
    }
  }
}
