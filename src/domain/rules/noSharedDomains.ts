import { tenantRule } from '../validation/define.js';

// One finding per domain verified in both tenants ("domains are associated with one tenant only"); a
// domain the target merely registered (unverified, e.g. ahead of cutover) is not shared.
export const noSharedDomains = tenantRule({
  id: 'noSharedDomains',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 7, §1.6, rule 8; XTMM-24. MIGR-001 text (ERR) + xtm wording for the detail',
  message:
    'Tenant authorization error. The tenants are not configured to support migration. The domain {domain} is in both source tenant ' +
    '{sourceTenantId} and target tenant {targetTenantId}; a domain can be associated with one tenant only.',
  test: (ctx) => {
    const target = new Set(ctx.target.domains.filter((d) => d.isVerified).map((d) => d.name));
    return ctx.source.domains
      .filter((d) => d.isVerified && target.has(d.name))
      .map((d) => ({ domain: d.name, sourceTenantId: ctx.source.id, targetTenantId: ctx.target.id }));
  },
});
