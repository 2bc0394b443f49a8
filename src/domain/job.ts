// The crossTenantMigrationJob aggregate as the domain sees it (no wire or store details).
import type { JobStatus, JobType, ServiceStatus, Workload } from './enums.js';

export interface ExchangeSettings { sourceEndpoint: string; targetDeliveryDomain: string }

export interface MigrationJob {
  id: string;
  tenantId: string; // target tenant
  displayName: string;
  jobType: JobType;
  status: JobStatus;
  message: string | null;
  /** The instant (ISO-8601 UTC, ms) every schedule and rule reads. */
  completeAfterDateTime: string;
  /** completeAfterDateTime as the client wrote it: what Graph echoes (seven digits, an offset, kept as sent). */
  completeAfterAsSent: string;
  sourceTenantId: string;
  exchangeSettings: ExchangeSettings | null;
  /** The workloads the job moves (canonical names; all of them when none were named). */
  workloads: Workload[];
  /** `workloads` as the client sent them, echoed like Microsoft's examples ([] when omitted). */
  workloadsAsSent: string[];
  /** As the client sent it (`Users`, `users`): only its lower case is checked. */
  resourceType: string;
  resources: string[];
  createdBy: string;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  validatedAt: string | null;
  opSeq: number;
}

/** A job without its user list: what a step of one user's move reads (a 2,000-user job's list is 80 KB). */
export type JobHead = Omit<MigrationJob, 'resources'>;

export interface ServiceError { code: string; message: string }

export interface ServiceStatusDetails {
  service: Workload;
  status: ServiceStatus;
  message: string;
  errors: ServiceError[];
}

export interface MigrationTask {
  jobId: string;
  id: string; // target user object id
  taskType: string;
  currentStatus: ServiceStatusDetails[];
  cancelled: boolean;
  lastUpdatedDateTime: string;
}

export const TASK_TYPE = 'Users';

export function initialStatus(workloads: readonly Workload[]): ServiceStatusDetails[] {
  return workloads.map((service) => ({ service, status: 'notStarted', message: '', errors: [] }));
}

/**
 * How a caller names a job: by id, by its displayName (the alternate key), or by a bare value that is
 * an id if one matches and a displayName otherwise (the orchestrator docs address jobs by name).
 */
export type JobKey =
  | { by: 'id'; value: string }
  | { by: 'displayName'; value: string }
  | { by: 'idOrDisplayName'; value: string };
