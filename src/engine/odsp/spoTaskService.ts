// SharePoint cross-organization migration tasks: create (checks, then the task row and its first work
// item in one transaction) and cancel. The durable execution is engine/tasks/spo.task.ts; the lifecycle
// is domain/spoTaskStages.ts.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { SpoMigrationTasksTable } from '../../store/schema.js';
import type { WorkQueue } from '../queue.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { DomainErrors as Errors } from '../../domain/errors.js';
import type { Finding } from '../../domain/validation/types.js';
import type { SpoTaskRequest } from '../../domain/spoMigrationTask.js';
import { checkTask } from './spoTaskChecks.js';

export const SPO_TASK = 'spo.task';

/** What a task keeps of its request: the checked request, the client's parameters, resolved identities. */
export interface StoredParameters { request: SpoTaskRequest; raw: Record<string, unknown>; echo: Record<string, unknown> }

/** A failing check as the task's `error` (publicError): the first finding, every finding in details. */
export function errorOf(findings: Finding[]) {
  const first = findings[0]!;
  return { code: first.code, message: first.message, details: findings.map((f) => ({ code: f.code, message: f.message })) };
}

export class SpoTaskService {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly queue: WorkQueue) {}

  /** The target organization: by id, by host, by the target site's host, or the source's one MnA partner. */
  async resolveTarget(sourceTenantId: string, req: SpoTaskRequest): Promise<string> {
    const db = this.store.db;
    let targetId: string | undefined;
    if (req.targetOrganizationHost && /-admin\.sharepoint\./i.test(req.targetOrganizationHost)) {
      throw Errors.spoAdminHostAsTarget();
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
    if (!targetId) throw Errors.spoNoTrustForPartner(partner);
    if (targetId === sourceTenantId) throw Errors.spoPartnersOnSameFarm();
    return targetId;
  }

  async create(sourceTenantId: string, req: SpoTaskRequest, raw: Record<string, unknown>): Promise<{ task?: SpoMigrationTasksTable; validateOnly?: { findings: Finding[]; echo: Record<string, unknown> } }> {
    const targetTenantId = await this.resolveTarget(sourceTenantId, req);
    const { resolved, findings } = await checkTask(this.store, sourceTenantId, targetTenantId, req, this.clock.nowMs());
    if (req.validateOnly) return { validateOnly: { findings, echo: resolved.echo } };
    if (findings.length) throw Errors.spoTaskRefused(findings);
    const now = this.clock.iso();
    const start = req.preferredStartDateTime && Date.parse(req.preferredStartDateTime) > this.clock.nowMs() ? req.preferredStartDateTime : undefined;
    const row: SpoMigrationTasksTable = {
      id: randomUUID(), tenant_id: sourceTenantId, target_tenant_id: targetTenantId, task_type: req.type, source_key: resolved.sourceKey,
      parameters: JSON.stringify({ request: req, raw, echo: resolved.echo } satisfies StoredParameters), status: 'notStarted',
      move_state: start ? 'Scheduled' : 'ReadyToTrigger', stage: null, error: null,
      preferred_start: req.preferredStartDateTime ?? null, preferred_latest_start: req.preferredLatestStartDateTime ?? null,
      started_at: null, finished_at: null, created_at: now, updated_at: now,
    };
    await inTransaction(this.store, async (tx) => {
      // Re-checked inside the transaction: two creates for one source never both succeed.
      if (await spoMigrationRepo.activeForSource(tx, sourceTenantId, req.type, resolved.sourceKey)) {
        throw Errors.spoTaskRefused([{ code: 'MnASiteMoveIsInprogressOrFinished', message: `Failed to initiate cross-tenant move because another move job for the same source URL [${resolved.source?.url ?? resolved.sourceKey}] is already in progress or has finished.` }]);
      }
      await spoMigrationRepo.insert(tx, row);
      await this.queue.enqueue(SPO_TASK, { taskId: row.id }, { jobKey: `spo:${row.id}`, runAt: start ? new Date(start) : this.clock.now() }, tx);
    });
    this.queue.notify();
    return { task: row };
  }

  /** Before the task starts only (Stop-SPOCrossTenant*ContentMove); 409 once it runs or ended. */
  async cancel(sourceTenantId: string, id: string): Promise<void> {
    const task = await spoMigrationRepo.byId(this.store.db, sourceTenantId, id);
    if (!task) throw Errors.spoTaskNotFound(id);
    const now = this.clock.iso();
    const ok = task.status === 'notStarted' && (await spoMigrationRepo.applyStageEvent(this.store.db, id, 'notStarted', 'cancelRequested', { finished_at: now, updated_at: now }));
    if (ok) return;
    const current = (await spoMigrationRepo.byId(this.store.db, sourceTenantId, id))!;
    throw current.status === 'inProgress' ? Errors.spoCancelInProgress() : Errors.spoCancelNotAllowed(current.status);
  }
}
