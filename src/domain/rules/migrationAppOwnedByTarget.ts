import { tenantRule } from '../validation/define.js';
import { migrationAppId, servicePrincipal } from '../validation/helpers.js';

export const migrationAppOwnedByTarget = tenantRule({
  id: 'migrationAppOwnedByTarget',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, rule 4; VERIFY text; MIGR-001',
  message:
    'App [{appId}] was found in the [{tenantId}] tenant but is not owned by it. Since this is target tenant, the app used for ' +
    'migration must be owned by target tenant.',
  test: (ctx) => {
    const appId = migrationAppId(ctx);
    const sp = appId ? servicePrincipal(ctx.target, appId) : undefined;
    if (!appId || !sp) return false;
    const owned = sp.appOwnerTenantId === ctx.target.id || ctx.target.applications.some((a) => a.appId === appId);
    return !owned && { appId, tenantId: ctx.target.id };
  },
});
