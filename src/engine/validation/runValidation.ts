// Entry point the durable runner (validate / migrate) and the offline CLI share: load the
// snapshots for the job's users, run the rule registry, return currentStatus[] per user.
import type { Store } from '../../store/db.js';
import type { MigrationJob, ServiceStatusDetails } from '../../domain/job.js';
import { evaluateUsers, type ValidationMode } from '../../domain/validation/evaluate.js';
import { loadValidationInput } from './snapshot.js';

export interface RunValidationOptions {
  /** Clock-service time (ms): the SPO seven-day dormancy is measured against it. */
  nowMs: number;
  /** 'all' for validate (every failing check), 'firstFailure' for migrate's re-check. */
  mode: ValidationMode;
}

/** Per target user id: one entry per job workload, status valid | invalid with the failing checks. */
export async function runValidation(
  store: Store,
  job: MigrationJob,
  userIds: string[],
  opts: RunValidationOptions,
): Promise<Map<string, ServiceStatusDetails[]>> {
  const { ctx, users } = await loadValidationInput(store, job, userIds, opts.nowMs);
  return evaluateUsers(ctx, users, { mode: opts.mode });
}
