import { tenantRule } from '../validation/define.js';
import { orgRelTo } from '../validation/helpers.js';

// VerifySetup does not look at Enabled; the move does. The target side fails the pull with the
// MRS exception admins report (I-3507), the source side with the orchestrator's MIGR-001 text.
export const targetOrgRelEnabled = tenantRule({
  id: 'targetOrgRelEnabled',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4 (move-time exceptions), rule 1; I-3507 text; ERR MIGR-001',
  message:
    "MigrationPermanentException: Your organization does not authorize 'pull' or Inbound moves from the remote organization. " +
    'Contact your administrator to confirm organization relationships are configured correctly.',
  test: (ctx) => {
    const rel = orgRelTo(ctx.target, ctx.source.id);
    return !!rel && !rel.enabled && {};
  },
});

export const sourceOrgRelEnabled = tenantRule({
  id: 'sourceOrgRelEnabled',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §4.5, rule 2; ERR MIGR-001 text',
  message: 'Tenant authorization error. The tenants are not configured to support migration.',
  test: (ctx) => {
    const rel = orgRelTo(ctx.source, ctx.target.id);
    return !!rel && !rel.enabled && {};
  },
});
