// $filter / $orderby fields of the job and task collections: Graph property → store column.
import type { FieldMap } from '../odata/fields.js';
import { JobStatuses, JobTypes } from '../../domain/enums.js';

export const JOB_FIELDS: FieldMap = {
  id: { column: 'id', type: 'guid' },
  displayName: { column: 'display_name', type: 'string', caseInsensitive: true },
  status: { column: 'status', type: 'enum', enumValues: JobStatuses },
  jobType: { column: 'job_type', type: 'enum', enumValues: JobTypes },
  createdDateTime: { column: 'created_at', type: 'datetime' },
  lastUpdatedDateTime: { column: 'updated_at', type: 'datetime' },
  completeAfterDateTime: { column: 'complete_after', type: 'datetime' },
  sourceTenantId: { column: 'source_tenant_id', type: 'guid' },
  targetTenantId: { column: 'tenant_id', type: 'guid' },
  createdBy: { column: 'created_by', type: 'string', caseInsensitive: true },
  resourceType: { column: 'resource_type', type: 'string', caseInsensitive: true },
};

export const TASK_FIELDS: FieldMap = {
  id: { column: 'id', type: 'guid' },
  taskType: { column: 'task_type', type: 'string', caseInsensitive: true },
  lastUpdatedDateTime: { column: 'updated_at', type: 'datetime' },
};

