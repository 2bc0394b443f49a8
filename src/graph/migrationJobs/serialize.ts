// Domain objects → Graph JSON, in the property order the service's examples use. Instants the service
// made go through formatDateTimeOffset; what the client sent (completeAfterDateTime, workloads) is echoed.
import type { MigrationJob, MigrationTask } from '../../domain/job.js';
import type { DocField } from '../../store/docs.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

export function jobToGraph(j: MigrationJob): Record<string, unknown> {
  return {
    id: j.id,
    displayName: j.displayName,
    jobType: j.jobType,
    status: j.status,
    message: j.message,
    completeAfterDateTime: j.completeAfterAsSent,
    targetTenantId: j.tenantId,
    sourceTenantId: j.sourceTenantId,
    exchangeSettings: j.exchangeSettings,
    resources: j.resources,
    resourceType: j.resourceType,
    workloads: j.workloadsAsSent,
    createdBy: j.createdBy,
    createdDateTime: formatDateTimeOffset(j.createdDateTime),
    lastUpdatedDateTime: formatDateTimeOffset(j.lastUpdatedDateTime),
  };
}

/**
 * jobToGraph as the database renders it (store/docs.ts): the same properties, in the same order, from
 * the columns toJob reads. The hot reads (GET by id, a page of the list) answer with these bytes;
 * test/graph/jobDocs.test.ts holds the two to the same output on both backends.
 */
export const JOB_DOC: readonly DocField[] = [
  { name: 'id', column: 'id', kind: 'text' },
  { name: 'displayName', column: 'display_name', kind: 'text' },
  { name: 'jobType', column: 'job_type', kind: 'text' },
  { name: 'status', column: 'status', kind: 'text' },
  { name: 'message', column: 'message', kind: 'text' },
  { name: 'completeAfterDateTime', column: 'complete_after_sent', kind: 'text' },
  { name: 'targetTenantId', column: 'tenant_id', kind: 'text' },
  { name: 'sourceTenantId', column: 'source_tenant_id', kind: 'text' },
  { name: 'exchangeSettings', column: 'exchange_settings', kind: 'json' },
  { name: 'resources', column: 'resources', kind: 'json' },
  { name: 'resourceType', column: 'resource_type', kind: 'text' },
  { name: 'workloads', column: 'workloads', kind: 'json' },
  { name: 'createdBy', column: 'created_by', kind: 'text' },
  { name: 'createdDateTime', column: 'created_at', kind: 'time' },
  { name: 'lastUpdatedDateTime', column: 'updated_at', kind: 'time' },
];

export function taskToGraph(t: MigrationTask): Record<string, unknown> {
  return { id: t.id, taskType: t.taskType, lastUpdatedDateTime: formatDateTimeOffset(t.lastUpdatedDateTime), currentStatus: t.currentStatus };
}
