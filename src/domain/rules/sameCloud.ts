import { Workloads } from '../enums.js';
import { tenantRule } from '../validation/define.js';

export const sameCloud = tenantRule({
  id: 'sameCloud',
  code: 'MIGR-001',
  workloads: Workloads,
  reference: 'migration-domain.md §1.6, rule 8; XTMM-24 (cross-cloud moves blocked). MIGR-001 text (ERR) + xtm wording for the detail',
  message:
    'Tenant authorization error. The tenants are not configured to support migration. Source tenant {sourceTenantId} is in the ' +
    '{sourceCloud} cloud and target tenant {targetTenantId} is in the {targetCloud} cloud; cross-cloud moves are not supported.',
  test: (ctx) =>
    ctx.source.cloud.toLowerCase() !== ctx.target.cloud.toLowerCase() && {
      sourceTenantId: ctx.source.id, sourceCloud: ctx.source.cloud, targetTenantId: ctx.target.id, targetCloud: ctx.target.cloud,
    },
});
