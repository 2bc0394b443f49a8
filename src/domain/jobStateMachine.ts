// The allowed-operation matrix (graph-api-surface.md §3.3; migration-domain.md rules 39, 45–47) as
// data, plus the pure guards the Graph layer calls before it changes anything.
import { DomainErrors as Errors } from './errors.js';
import type { JobStatus } from './enums.js';
import type { MigrationJob } from './job.js';

export type JobOperation = 'validate' | 'migrate' | 'cancel' | 'delete' | 'patch';

export const VALIDATION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** status -> operations allowed in it. Statuses absent here allow nothing. */
export const ALLOWED: Readonly<Partial<Record<JobStatus, readonly JobOperation[]>>> = {
  submitted: ['validate', 'cancel', 'patch'],
  validateSubmitted: ['cancel', 'patch'],
  validateProcessing: ['cancel', 'patch'],
  validateInProgress: ['cancel', 'patch'],
  validatePassed: ['migrate', 'cancel', 'patch'],
  validateFailed: ['validate', 'cancel', 'patch'],
  processing: ['cancel', 'patch'],
  inProgress: ['cancel', 'patch'],
  cuttingOver: [],
  completed: ['delete'],
  completedWithErrors: ['migrate', 'delete'],
  failed: ['migrate', 'delete'],
  cancelled: ['delete'],
  pendingCancel: [],
  pendingDelete: [],
  deleted: [],
  // Never described by any source and never entered by xtm; a pre-completion state by its name (docs/decisions.md).
  approved: ['cancel'],
  // Entered while mailboxes wait at cutover for approval of skipped items (xtm.approveSkippedItems) (docs/decisions.md).
  adminActionRequired: ['cancel'],
};

export function isAllowed(status: JobStatus, op: JobOperation): boolean {
  return (ALLOWED[status] ?? []).includes(op);
}

/** Statuses in which a job still holds its users (a user may be in only one active job). */
export const INACTIVE_STATUSES: readonly JobStatus[] = ['completed', 'completedWithErrors', 'failed', 'cancelled', 'pendingDelete', 'deleted'];

/** A pass older than seven days must be renewed, so an expired `validatePassed` may validate again. */
export function validationExpired(job: MigrationJob, nowMs: number): boolean {
  const passed = job.validatedAt ? Date.parse(job.validatedAt) : Number.NaN;
  return !(nowMs - passed <= VALIDATION_LIFETIME_MS);
}

export function assertCanValidate(job: MigrationJob, nowMs: number): void {
  if (job.status === 'validatePassed' && validationExpired(job, nowMs)) return;
  if (!isAllowed(job.status, 'validate')) throw Errors.validateNotAllowed(job.status);
}

export function assertCanMigrate(job: MigrationJob, nowMs: number): void {
  if (!isAllowed(job.status, 'migrate')) throw Errors.migrateNotAllowed(job.status);
  if (job.status === 'validatePassed' && validationExpired(job, nowMs)) throw Errors.validationExpired();
}

/**
 * Cancel is possible before cutover: while mailboxes sync, until completeAfterDateTime. Once it has passed
 * the migration is in progress (cutting over), and the cancel page's 409 applies (docs/decisions.md, gap 6).
 */
export function assertCanCancel(job: MigrationJob, nowMs: number): void {
  if (!isAllowed(job.status, 'cancel')) throw Errors.cancelNotAllowed(job.status);
  if ((job.status === 'processing' || job.status === 'inProgress') && Date.parse(job.completeAfterDateTime) <= nowMs) {
    throw Errors.cancelNotAllowed(job.status);
  }
}

export function assertCanDelete(job: MigrationJob): void {
  if (!isAllowed(job.status, 'delete')) throw Errors.deleteNotAllowed(job.id, job.status);
}

/**
 * completeAfterDateTime may change only while the current value is still in the future and before cutover.
 * A new value in the past is accepted: the job then cuts over as soon as it can (the update page: "If
 * completeAfterDateTime is set to the past, the crossTenantMigrationJob starts processing"; docs/decisions.md, gap 5).
 */
export function assertCanPatchCompleteAfter(job: MigrationJob, nowMs: number): void {
  if (!isAllowed(job.status, 'patch')) throw Errors.patchNotAllowed(job.status, 'the job is past cutover or in a final state.');
  if (Date.parse(job.completeAfterDateTime) <= nowMs) {
    throw Errors.patchNotAllowed(job.status, 'the current completeAfterDateTime has already passed.');
  }
}

/** The job messages the real service shows (graph-api-surface.md §3.1, §5); xtm's own where none is documented. */
export const JobMessages = {
  created: '',
  validateSubmitted: 'Validation job has been submitted successfully',
  validateProcessing: 'Validation is being set up.',
  validateInProgress: 'Prerequisite checks are running.',
  validatePassed: 'Validation has completed successfully with no failures.',
  validateFailed: (failed: number, total: number) =>
    `Validation has completed with failures. ${failed} of ${total} users failed one or more checks; see the users of this job for details.`,
  migrateSubmitted: 'Migration job has been submitted successfully',
  processing: 'Migration is being set up.',
  inProgress: 'Migration is in progress. Mailboxes are syncing.',
  cuttingOver: 'Mailboxes are cutting over; the other workloads are migrating.',
  adminActionRequired: (users: number) =>
    `${users} user(s) have skipped items that need an administrator's approval before cutover can complete. Approve the skipped items or cancel the batch.`,
  completed: 'The batch and all of its users have been successfully migrated with no failures.',
  completedWithErrors: (failed: number, total: number) =>
    `The batch has completed with errors. ${failed} of ${total} users failed; see the users of this job for details. Call migrate to retry them.`,
  failed: (total: number) => `The batch has failed. None of its ${total} users completed; see the users of this job for details. Call migrate to retry.`,
  pendingCancel: 'cancellation request has been accepted for the migration job',
  cancelled: 'The batch has been cancelled.',
  pendingDelete: 'Deletion request has been accepted for the migration job.',
  deleted: 'The batch data has been deleted.',
} as const;

// ---- the job state machine as data ---------------------------------------------------------------

/** Everything that can happen to a job: admin requests (checked by the guards above first) and engine progress. */
export type JobEvent =
  | { type: 'validateRequested' }
  | { type: 'validationProcessing' }
  | { type: 'validationInProgress' }
  | { type: 'validationFinished'; failedUsers: number; totalUsers: number }
  | { type: 'migrateRequested' }
  | { type: 'migrationStarted' }
  | { type: 'cutoverStarted' }
  | { type: 'adminActionRequired'; users: number }
  | { type: 'adminActionResolved'; cuttingOver: boolean }
  | { type: 'migrationFinished'; completedUsers: number; failedUsers: number }
  | { type: 'cancelRequested' }
  | { type: 'cancelFinished' }
  | { type: 'deleteRequested' }
  | { type: 'deleteFinished' }
  | { type: 'completeAfterChanged'; completeAfterDateTime: string; completeAfterAsSent: string };

export type JobEventType = JobEvent['type'];

/** The columns a transition may change; nothing else about a job moves with its status. */
export interface JobChange {
  status: JobStatus;
  jobType: MigrationJob['jobType'];
  message: string | null;
  validatedAt: string | null;
  completeAfterDateTime: string;
  completeAfterAsSent: string;
  lastUpdatedDateTime: string;
  /** Bumped by every admin request: work items of an older request see it and stop. */
  opSeq: number;
}

type Rule = { from: readonly JobStatus[] | 'guarded'; to: (job: MigrationJob, e: any, now: string) => Partial<JobChange> & { status: JobStatus } };

/** The statuses of a migration under way (after migrate, before it finishes, is cancelled or deleted). */
export const MIGRATING: readonly JobStatus[] = ['processing', 'inProgress', 'cuttingOver', 'adminActionRequired'];
export const isMigrating = (job: Pick<MigrationJob, 'status'>): boolean => MIGRATING.includes(job.status);

/**
 * event → (statuses it applies in, next state). 'guarded' = an admin request whose allowed statuses the
 * ALLOWED matrix and the assertCan* guards decide; it bumps opSeq so stale work items stop.
 */
export const TRANSITIONS: { readonly [K in JobEventType]: Rule } = {
  validateRequested: { from: 'guarded', to: () => ({ status: 'validateSubmitted', jobType: 'validate', message: JobMessages.validateSubmitted, validatedAt: null }) },
  validationProcessing: { from: ['validateSubmitted'], to: () => ({ status: 'validateProcessing', message: JobMessages.validateProcessing }) },
  validationInProgress: { from: ['validateProcessing'], to: () => ({ status: 'validateInProgress', message: JobMessages.validateInProgress }) },
  validationFinished: {
    from: ['validateInProgress'],
    to: (_j, e: { failedUsers: number; totalUsers: number }, now) => e.failedUsers === 0
      ? { status: 'validatePassed', message: JobMessages.validatePassed, validatedAt: now }
      : { status: 'validateFailed', message: JobMessages.validateFailed(e.failedUsers, e.totalUsers), validatedAt: null },
  },
  migrateRequested: { from: 'guarded', to: () => ({ status: 'processing', jobType: 'migrate', message: JobMessages.migrateSubmitted }) },
  migrationStarted: { from: ['processing'], to: () => ({ status: 'inProgress', message: JobMessages.inProgress }) },
  cutoverStarted: { from: ['inProgress'], to: () => ({ status: 'cuttingOver', message: JobMessages.cuttingOver }) },
  adminActionRequired: { from: ['inProgress', 'cuttingOver'], to: (_j, e: { users: number }) => ({ status: 'adminActionRequired', message: JobMessages.adminActionRequired(e.users) }) },
  adminActionResolved: {
    from: ['adminActionRequired'],
    to: (_j, e: { cuttingOver: boolean }) => (e.cuttingOver ? { status: 'cuttingOver', message: JobMessages.cuttingOver } : { status: 'inProgress', message: JobMessages.inProgress }),
  },
  migrationFinished: {
    from: MIGRATING,
    to: (_j, e: { completedUsers: number; failedUsers: number }) => {
      const total = e.completedUsers + e.failedUsers;
      if (e.failedUsers === 0) return { status: 'completed', message: JobMessages.completed };
      if (e.completedUsers === 0) return { status: 'failed', message: JobMessages.failed(total) };
      return { status: 'completedWithErrors', message: JobMessages.completedWithErrors(e.failedUsers, total) };
    },
  },
  cancelRequested: { from: 'guarded', to: () => ({ status: 'pendingCancel', message: JobMessages.pendingCancel }) },
  cancelFinished: { from: ['pendingCancel'], to: () => ({ status: 'cancelled', message: JobMessages.cancelled }) },
  deleteRequested: { from: 'guarded', to: () => ({ status: 'pendingDelete', message: JobMessages.pendingDelete }) },
  deleteFinished: { from: ['pendingDelete'], to: () => ({ status: 'deleted', message: JobMessages.deleted }) },
  completeAfterChanged: {
    from: 'guarded',
    to: (j, e: { completeAfterDateTime: string; completeAfterAsSent: string }) => ({ status: j.status, completeAfterDateTime: e.completeAfterDateTime, completeAfterAsSent: e.completeAfterAsSent }),
  },
};

/**
 * The one place a job's status changes: the next state for `event`, or null when the event does not
 * apply in the job's current status (a stale or repeated work item: the caller does nothing).
 */
export function transition(job: MigrationJob, event: JobEvent, now: string): JobChange | null {
  const rule = TRANSITIONS[event.type];
  if (rule.from !== 'guarded' && !rule.from.includes(job.status)) return null;
  const next = rule.to(job, event, now);
  const adminRequest = rule.from === 'guarded' && event.type !== 'completeAfterChanged';
  return {
    status: next.status,
    jobType: next.jobType ?? job.jobType,
    message: next.message !== undefined ? next.message : job.message,
    validatedAt: next.validatedAt !== undefined ? next.validatedAt : job.validatedAt,
    completeAfterDateTime: next.completeAfterDateTime ?? job.completeAfterDateTime,
    completeAfterAsSent: next.completeAfterAsSent ?? job.completeAfterAsSent,
    lastUpdatedDateTime: now,
    opSeq: adminRequest ? job.opSeq + 1 : job.opSeq,
  };
}

/** The job as it is after a change (what the API reports once the change is committed). */
export function applyChange(job: MigrationJob, change: JobChange): MigrationJob {
  return { ...job, ...change };
}
