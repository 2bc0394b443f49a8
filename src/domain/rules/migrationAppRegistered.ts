import { tenantRule } from '../validation/define.js';
import { migrationAppId, servicePrincipal } from '../validation/helpers.js';
import type { TenantSnapshot, ValidationContext } from '../validation/types.js';

// VerifySetup's first check, run once with -Context Target and once with -Context Source (the
// source side exists only after the source admin consented to the app).
const MESSAGE = 'App [{appId}] is not registered in [{tenantId}] tenant';

function missing(ctx: ValidationContext, tenant: TenantSnapshot, requireApp: boolean) {
  const appId = migrationAppId(ctx);
  if (!appId) return requireApp && { appId: '', tenantId: tenant.id };
  return !servicePrincipal(tenant, appId) && { appId, tenantId: tenant.id };
}

export const migrationAppRegisteredInTarget = tenantRule({
  id: 'migrationAppRegisteredInTarget',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 4; VERIFY text; MIGR-001 = orchestrator code for tenant authorization',
  message: MESSAGE,
  test: (ctx) => missing(ctx, ctx.target, true),
});

export const migrationAppRegisteredInSource = tenantRule({
  id: 'migrationAppRegisteredInSource',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1 (admin consent in source), §1.4, rule 4; VERIFY text (source context); MIGR-001',
  message: MESSAGE,
  test: (ctx) => missing(ctx, ctx.source, false),
});
