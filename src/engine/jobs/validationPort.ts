// The plug-in point behind `validate` (and, later, the re-check at `migrate`): given a job and some
// of its users, return one ServiceStatusDetails per workload per user (valid / invalid + errors).
import type { Store } from '../../store/db.js';
import type { MigrationJob, ServiceStatusDetails } from '../../domain/job.js';

export interface ValidationOptions { nowMs: number; mode: 'all' | 'firstFailure' }

export type ValidationExecutor = (store: Store, job: MigrationJob, userIds: string[], opts: ValidationOptions) => Promise<Map<string, ServiceStatusDetails[]>>;
