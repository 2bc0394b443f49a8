// Test double for the validation port: checks only that the source tenant and each user exist. Job API
// tests use it to drive the job state machine without building a fully configured pair of tenants;
// the rules engine itself is tested in test/validation and end to end in test/e2e.
import type { ValidationExecutor } from '../src/engine/jobs/validationPort.js';
import type { ServiceStatusDetails } from '../src/domain/job.js';

export const existenceOnlyValidation: ValidationExecutor = async (store, job, userIds) => {
  const source = await store.db.selectFrom('tenants').select('id').where('id', '=', job.sourceTenantId).executeTakeFirst();
  const found = new Set<string>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await store.db.selectFrom('users').select('id').where('tenant_id', '=', job.tenantId).where('id', 'in', userIds.slice(i, i + 500)).execute();
    for (const r of rows) found.add(r.id);
  }
  const out = new Map<string, ServiceStatusDetails[]>();
  for (const id of userIds) {
    const errors: { code: string; message: string }[] = [];
    if (!source) errors.push({ code: 'MIGR-001', message: `Tenant authorization error. The tenants are not configured to support migration. Source tenant ${job.sourceTenantId} was not found.` });
    if (!found.has(id)) errors.push({ code: 'MigrationRecipientNotFoundException', message: `A recipient wasn't found for "${id}" on the target. Create a recipient of the appropriate type for this migration on the target and try again.` });
    out.set(id, job.workloads.map((service) => ({ service, status: errors.length ? 'invalid' : 'valid', message: errors.length ? `User failed ${errors.length} validation check(s).` : '', errors })));
  }
  return out;
};
