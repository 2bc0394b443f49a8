import { tenantRule } from '../validation/define.js';
import { MAILBOX_MIGRATION, grants, migrationAppId, servicePrincipal } from '../validation/helpers.js';
import type { TenantSnapshot, ValidationContext } from '../validation/types.js';

// "Has the permission" = the target app asks for Mailbox.Migration; "consented" = the tenant's
// service principal holds the grant. VerifySetup reports both with one message.
const MESSAGE =
  'App [{appId}] does not have [Mailbox.Migration] permission on Exchange setup or the permission is not consented by an Administrator';

function lacking(ctx: ValidationContext, tenant: TenantSnapshot, checkRequest: boolean) {
  const appId = migrationAppId(ctx);
  const sp = appId ? servicePrincipal(tenant, appId) : undefined;
  if (!appId || !sp) return false; // migrationAppRegistered* reports it
  const app = ctx.target.applications.find((a) => a.appId === appId);
  const requested = !checkRequest || !app || grants(app.requiredPermissions, MAILBOX_MIGRATION);
  return (!requested || !grants(sp.grantedPermissions, MAILBOX_MIGRATION)) && { appId };
}

export const migrationAppPermissionInTarget = tenantRule({
  id: 'migrationAppPermissionInTarget',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 4; VERIFY text; MIGR-001',
  message: MESSAGE,
  test: (ctx) => lacking(ctx, ctx.target, true),
});

export const migrationAppConsentedInSource = tenantRule({
  id: 'migrationAppConsentedInSource',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1 (source admin consent), rule 4; VERIFY text (source context); MIGR-001',
  message: MESSAGE,
  test: (ctx) => lacking(ctx, ctx.source, false),
});
