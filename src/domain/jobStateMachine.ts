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
  // Never described by any source; xtm never enters them (docs/decisions.md).
  approved: ['cancel'],
  adminActionRequired: ['cancel'],
};

export function isAllowed(status: JobStatus, op: JobOperation): boolean {
  return (ALLOWED[status] ?? []).includes(op);
}

/** Statuses in which a job still holds its users (a user may be in only one active job). */
export const INACTIVE_STATUSES: readonly JobStatus[] = ['completed', 'completedWithErrors', 'failed', 'cancelled', 'pendingDelete', 'deleted'];

/** Statuses after which work in flight for the job must stop. */
export const STOPPING_STATUSES: readonly JobStatus[] = ['pendingCancel', 'cancelled', 'pendingDelete', 'deleted'];

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

/** Cancel is possible before cutover; once a migration's completeAfterDateTime has passed it is not. */
export function assertCanCancel(job: MigrationJob, nowMs: number): void {
  if (!isAllowed(job.status, 'cancel')) throw Errors.cancelNotAllowed(job.status);
  if ((job.status === 'processing' || job.status === 'inProgress') && Date.parse(job.completeAfterDateTime) <= nowMs) {
    throw Errors.cancelNotAllowed(job.status);
  }
}

export function assertCanDelete(job: MigrationJob): void {
  if (!isAllowed(job.status, 'delete')) throw Errors.deleteNotAllowed(job.id, job.status);
}

/** completeAfterDateTime may change only while it is still in the future and before cutover. */
export function assertCanPatchCompleteAfter(job: MigrationJob, newValueMs: number, nowMs: number): void {
  if (!isAllowed(job.status, 'patch')) throw Errors.patchNotAllowed(job.status, 'the job is past cutover or in a final state.');
  if (Date.parse(job.completeAfterDateTime) <= nowMs) {
    throw Errors.patchNotAllowed(job.status, 'the current completeAfterDateTime has already passed.');
  }
  if (newValueMs <= nowMs) throw Errors.completeAfterInPast();
}

/** The job messages the real service shows (graph-api-surface.md §3.1, §5). */
export const JobMessages = {
  created: '',
  validateSubmitted: 'Validation job has been submitted successfully',
  validateProcessing: 'Validation is being set up.',
  validateInProgress: 'Prerequisite checks are running.',
  validatePassed: 'Validation has completed successfully with no failures.',
  validateFailed: (failed: number, total: number) =>
    `Validation has completed with failures. ${failed} of ${total} users failed one or more checks; see the users of this job for details.`,
  migrateSubmitted: 'Migration job has been submitted successfully',
  pendingCancel: 'cancellation request has been accepted for the migration job',
  cancelled: 'The batch has been cancelled.',
  pendingDelete: 'Deletion request has been accepted for the migration job.',
  deleted: 'The batch data has been deleted.',
} as const;
