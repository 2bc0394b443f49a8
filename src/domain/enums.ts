// Enum members exactly as the beta CSDL lists them (graph-api-surface.md §3.2, §3.3, §4.2).

export const JobStatuses = [
  'submitted', 'approved', 'processing', 'cuttingOver', 'inProgress', 'completed', 'completedWithErrors', 'failed',
  'cancelled', 'pendingCancel', 'adminActionRequired', 'validateSubmitted', 'validateProcessing', 'validateInProgress',
  'validatePassed', 'validateFailed', 'pendingDelete', 'deleted', 'unknownFutureValue',
] as const;
export type JobStatus = (typeof JobStatuses)[number];

export const JobTypes = ['validate', 'migrate', 'unknownFutureValue'] as const;
export type JobType = (typeof JobTypes)[number];

export const ServiceStatuses = [
  'notStarted', 'valid', 'invalid', 'error', 'inProgress', 'completed', 'failed', 'cancelled', 'pendingCancel',
  'syncing', 'synced', 'finalizing', 'forceComplete', 'unknownFutureValue',
] as const;
export type ServiceStatus = (typeof ServiceStatuses)[number];

/** Workloads in the canonical spelling the requests use; compared case-insensitively. */
export const Workloads = ['Exchange', 'ODSP', 'Teams', 'Meeting'] as const;
export type Workload = (typeof Workloads)[number];

export function canonicalWorkload(value: string): Workload | undefined {
  const v = value.toLowerCase();
  return Workloads.find((w) => w.toLowerCase() === v);
}
