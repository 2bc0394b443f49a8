// Application service for crossTenantMigrationJob: each operation checks the domain guards, then
// commits the state change and the work item that continues it in ONE transaction, then reports.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import type { Store } from '../../store/db.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { DomainError, DomainErrors as Errors } from '../../domain/errors.js';
import type { JobStatus } from '../../domain/enums.js';
import { initialStatus, TASK_TYPE, type ExchangeSettings, type JobKey, type MigrationJob, type MigrationTask } from '../../domain/job.js';
import {
  assertCanCancel, assertCanDelete, assertCanMigrate, assertCanPatchCompleteAfter, assertCanValidate, INACTIVE_STATUSES, JobMessages, type JobOperation,
} from '../../domain/jobStateMachine.js';
import type { WorkQueue } from '../queue.js';
import { parseDateTimeOffset } from '../../domain/dateTime.js';
import { checkCreateJobInput, invalidDateTime, isGuid, type CreateJobInput } from '../../domain/jobInput.js';
import { commitJob } from './commitJob.js';

export class JobService {
  constructor(private readonly store: Store, private readonly clock: Clock, private readonly queue: WorkQueue, private readonly config: XtmConfig) {}

  /** Finds the caller's job by id, by displayName, or by a bare value (id first, then displayName). */
  async resolve(tenantId: string, key: JobKey): Promise<MigrationJob> {
    const db = this.store;
    let job: MigrationJob | undefined;
    if (key.by === 'displayName') {
      job = await jobsRepo.byDisplayName(db, tenantId, key.value);
    } else {
      if (isGuid(key.value)) job = await jobsRepo.byId(db, tenantId, key.value);
      if (!job && key.by === 'idOrDisplayName') job = await jobsRepo.byDisplayName(db, tenantId, key.value);
    }
    if (!job) throw Errors.jobNotFound(key.value);
    return job;
  }

  async create(tenantId: string, createdBy: string, input: CreateJobInput): Promise<MigrationJob> {
    const now = this.clock.nowMs();
    // The same create-time rules as the offline `xtm validate` (domain/jobInput.ts); the first issue is the answer.
    const checked = checkCreateJobInput(input, { callerTenantId: tenantId, nowMs: now, maxBatchSize: this.config.maxBatchSize });
    if (!checked.value) throw checked.issues[0]!;
    const { sourceTenantId, exchangeSettings, workloads, asSent, resources, completeAfterMs: completeAfter } = checked.value;

    const nowIso = new Date(now).toISOString();
    const job: MigrationJob = {
      id: randomUUID(),
      tenantId,
      displayName: input.displayName,
      jobType: 'validate',
      status: 'submitted',
      message: JobMessages.created,
      completeAfterDateTime: new Date(completeAfter).toISOString(),
      completeAfterAsSent: asSent.completeAfterDateTime,
      sourceTenantId,
      exchangeSettings,
      workloads,
      workloadsAsSent: asSent.workloads,
      resourceType: asSent.resourceType,
      resources,
      createdBy,
      createdDateTime: nowIso,
      lastUpdatedDateTime: nowIso,
      validatedAt: null,
      opSeq: 0,
    };
    const tasks: MigrationTask[] = resources.map((id) => ({ jobId: job.id, id, taskType: TASK_TYPE, currentStatus: initialStatus(workloads), cancelled: false, lastUpdatedDateTime: nowIso }));

    try {
      await inTransaction(this.store, async (trx) => {
        await jobsRepo.lockTenantJobs(trx, tenantId);
        if (await jobsRepo.byDisplayName(trx, tenantId, job.displayName)) throw Errors.duplicateDisplayName(job.displayName);
        const [busy] = await jobsRepo.activeMemberships(trx, tenantId, resources, INACTIVE_STATUSES);
        if (busy) throw Errors.userInOtherBatch(busy.userId, busy.displayName);
        await jobsRepo.insert(trx, job, tasks);
      });
    } catch (e) {
      // Two concurrent creates with one name: the unique index decides.
      if (/unique|duplicate key/i.test(String((e as Error).message)) && !(e instanceof DomainError)) throw Errors.duplicateDisplayName(job.displayName);
      throw e;
    }
    return job;
  }

  async validate(tenantId: string, key: JobKey): Promise<MigrationJob> {
    return this.act(tenantId, key, 'validate', (job) => assertCanValidate(job, this.clock.nowMs()), async (job, trx, nowIso) => {
      // A batch whose every user was cancelled has nothing to validate: it can't pass (docs/decisions.md).
      if (!(await jobsRepo.hasActiveTask(trx, job.id))) throw Errors.emptyBatch('Validation');
      const next = await commitJob(trx, job, { type: 'validateRequested' }, nowIso);
      if (!next) return undefined;
      // Set-based: a request never reads or writes a batch's users one by one (2,000 of them).
      await jobsRepo.setActiveTaskStatuses(trx, job.id, initialStatus(job.workloads), nowIso);
      await this.queue.enqueue('job.validate', { jobId: job.id, opSeq: next.opSeq, phase: 'processing' }, { jobKey: `validate:${job.id}`, runAt: this.after(this.config.phaseDelayMs) }, trx);
      return next;
    });
  }

  /**
   * Starts (or retries) the migration: `processing` now, then the engine re-checks every user in
   * first-failure mode and moves the ones that pass. A retry re-attempts only users not completed.
   */
  async migrate(tenantId: string, key: JobKey): Promise<MigrationJob> {
    return this.act(tenantId, key, 'migrate', (job) => assertCanMigrate(job, this.clock.nowMs()), async (job, trx, nowIso) => {
      const next = await commitJob(trx, job, { type: 'migrateRequested' }, nowIso);
      if (!next) return undefined;
      // Per-batch table: Processing → NotStarted (workloads already completed stay completed).
      await jobsRepo.mapActiveTaskStatuses(trx, job.id, { keep: 'completed', status: 'notStarted', reset: true }, nowIso);
      await this.queue.enqueue('migration.start', { jobId: job.id, opSeq: next.opSeq }, { jobKey: `migrate:${job.id}`, runAt: this.after(this.config.phaseDelayMs) }, trx);
      return next;
    });
  }

  async cancel(tenantId: string, key: JobKey): Promise<MigrationJob> {
    return this.act(tenantId, key, 'cancel', (job) => assertCanCancel(job, this.clock.nowMs()), async (job, trx, nowIso) => {
      const next = await commitJob(trx, job, { type: 'cancelRequested' }, nowIso);
      if (!next) return undefined;
      await jobsRepo.mapActiveTaskStatuses(trx, job.id, { keep: 'completed', status: 'pendingCancel', reset: false }, nowIso);
      await this.queue.enqueue('job.cancel', { jobId: job.id, opSeq: next.opSeq }, { jobKey: `cancel:${job.id}` }, trx);
      return next;
    });
  }

  async delete(tenantId: string, key: JobKey): Promise<void> {
    await this.act(tenantId, key, 'delete', (job) => assertCanDelete(job), async (job, trx, nowIso) => {
      const next = await commitJob(trx, job, { type: 'deleteRequested' }, nowIso);
      if (!next) return undefined;
      await this.queue.enqueue('job.delete', { jobId: job.id, opSeq: next.opSeq }, { jobKey: `delete:${job.id}` }, trx);
      return next;
    });
  }

  async patchCompleteAfter(tenantId: string, key: JobKey, value: string): Promise<void> {
    const next = parseDateTimeOffset(value);
    if (next === undefined) throw invalidDateTime('completeAfterDateTime', value);
    await this.act(tenantId, key, 'patch', (job) => assertCanPatchCompleteAfter(job, this.clock.nowMs()), async (job, trx, nowIso) => {
      const changed = await commitJob(trx, job, { type: 'completeAfterChanged', completeAfterDateTime: new Date(next).toISOString(), completeAfterAsSent: value }, nowIso);
      if (!changed) return undefined;
      // A migrating job's cutover timer follows the new date (replace semantics on the job key); a date in
      // the past makes it due now, so the job cuts over once its initial syncs are done.
      if (changed.jobType === 'migrate' && (changed.status === 'processing' || changed.status === 'inProgress')) {
        await this.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(Math.max(next, this.clock.nowMs())) }, trx);
      }
      return changed;
    });
  }

  /**
   * Approves the skipped items of the job's users waiting on them (Set-MigrationUser -ApproveSkippedItems;
   * an xtm extension): their cutover goes on and the job leaves adminActionRequired.
   */
  async approveSkippedItems(tenantId: string, key: JobKey): Promise<MigrationJob> {
    const job = await this.resolve(tenantId, key);
    if (job.status !== 'adminActionRequired') throw Errors.approveNotAllowed(job.status);
    await inTransaction(this.store, (trx) => this.queue.enqueue('migration.approve', { jobId: job.id }, { jobKey: `approve:${job.id}` }, trx));
    this.queue.notify();
    return job;
  }

  /** Removes one user from the batch (before cutover). */
  async cancelUser(tenantId: string, key: JobKey, userId: string): Promise<{ job: MigrationJob; userId: string }> {
    const job = await this.resolve(tenantId, key);
    const id = userId.toLowerCase();
    const task = await jobsRepo.task(this.store, job.id, id);
    if (!task) throw Errors.taskNotFound(job.displayName, userId);
    const userStatus = task.cancelled ? 'cancelled' : (task.currentStatus[0]?.status ?? 'notStarted');
    if (task.cancelled) throw Errors.cancelNotAllowed(userStatus);
    try {
      assertCanCancel(job, this.clock.nowMs());
    } catch {
      throw Errors.cancelNotAllowed(userStatus);
    }
    const nowIso = this.clock.iso();
    await inTransaction(this.store, async (trx) => {
      await jobsRepo.saveTaskStatuses(trx, job.id, [{ id, cancelled: true, currentStatus: task.currentStatus.map((s) => ({ ...s, status: 'pendingCancel' as const, errors: [] })) }], nowIso);
      await jobsRepo.update(trx, job.id, { updated_at: nowIso });
      await this.queue.enqueue('task.cancel', { jobId: job.id, userId: id }, { jobKey: `cancel:${job.id}:${id}` }, trx);
    });
    this.queue.notify();
    return { job, userId: id };
  }

  private after(ms: number): Date {
    return new Date(this.clock.nowMs() + ms);
  }

  /** resolve → guard → transactional change; a lost compare-and-set re-reads and re-checks once. */
  private async act(tenantId: string, key: JobKey, op: JobOperation, guard: (job: MigrationJob) => void, change: (job: MigrationJob, trx: Tx, nowIso: string) => Promise<MigrationJob | undefined>): Promise<MigrationJob> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const job = await this.resolve(tenantId, key);
      guard(job);
      const nowIso = this.clock.iso();
      const result = await inTransaction(this.store, (trx) => change(job, trx, nowIso));
      if (result) {
        this.queue.notify();
        return result;
      }
    }
    const job = await this.resolve(tenantId, key);
    guard(job);
    throw Errors.jobChangedDuringRequest(op);
  }
}
