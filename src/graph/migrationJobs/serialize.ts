// Domain objects → Graph JSON, in the property order the service's examples use.
import type { MigrationJob, MigrationTask } from '../../domain/job.js';

export function jobToGraph(j: MigrationJob): Record<string, unknown> {
  return {
    id: j.id,
    displayName: j.displayName,
    jobType: j.jobType,
    status: j.status,
    message: j.message,
    completeAfterDateTime: j.completeAfterDateTime,
    targetTenantId: j.tenantId,
    sourceTenantId: j.sourceTenantId,
    exchangeSettings: j.exchangeSettings,
    resources: j.resources,
    resourceType: j.resourceType,
    workloads: j.workloads,
    createdBy: j.createdBy,
    createdDateTime: j.createdDateTime,
    lastUpdatedDateTime: j.lastUpdatedDateTime,
  };
}

export function taskToGraph(t: MigrationTask): Record<string, unknown> {
  return { id: t.id, taskType: t.taskType, lastUpdatedDateTime: t.lastUpdatedDateTime, currentStatus: t.currentStatus };
}
