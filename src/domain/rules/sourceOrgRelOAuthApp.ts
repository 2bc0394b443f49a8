import { tenantRule } from '../validation/define.js';
import { migrationAppId, orgRelTo } from '../validation/helpers.js';

export const sourceOrgRelOAuthApp = tenantRule({
  id: 'sourceOrgRelOAuthApp',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 2; VERIFY text (source context); MIGR-001',
  message:
    'Mailbox Migration ApplicationId is not whitelisted in the Organization Relationship with [{partnerTenantId}]. Expected [{appId}] found [{found}]',
  test: (ctx) => {
    const rel = orgRelTo(ctx.source, ctx.target.id);
    const appId = migrationAppId(ctx);
    if (!rel || !appId) return false;
    return (rel.oauthApplicationId ?? '').toLowerCase() !== appId.toLowerCase() &&
      { partnerTenantId: ctx.target.id, appId, found: rel.oauthApplicationId ?? '' };
  },
});
