import { FirstPartyApps } from '../tenantVocabulary.js';
import { tenantRule } from '../validation/define.js';
import type { TenantRule, TenantSnapshot, ValidationContext } from '../validation/types.js';

// Meeting Migration Service prerequisites per tenant (TenantSettings.teams / .exchange). The
// paired codes (MMS-001/002, 005/006, 012/013) are read as source/target in that order (inference).
const MMS_APP = FirstPartyApps.meetingMigrationService.appId;
type Side = 'source' | 'target';
const tenantOf = (ctx: ValidationContext, side: Side): TenantSnapshot => (side === 'source' ? ctx.source : ctx.target);

function perSide(id: string, codes: [string, string], reference: string, message: string, broken: (t: TenantSnapshot) => boolean): [TenantRule, TenantRule] {
  const make = (side: Side, code: string) =>
    tenantRule({
      id: `${id}${side === 'source' ? 'Source' : 'Target'}`,
      code,
      workloads: ['Meeting'],
      reference: `${reference} (${side} tenant)`,
      message,
      test: (ctx) => {
        const t = tenantOf(ctx, side);
        return broken(t) && { appId: MMS_APP, tenantId: t.id, side };
      },
    });
  return [make('source', codes[0]), make('target', codes[1])];
}

export const [mmsAppProvisionedSource, mmsAppProvisionedTarget] = perSide(
  'mmsAppProvisioned', ['MMS-001', 'MMS-002'],
  'migration-domain.md §3 (Grant-MMSAppPermissions), §4.3; ORCH-2 text; ERR MMS-001/002',
  'Teams Meeting migration failed. The MMS App {appId} in tenant {tenantId} is not provisioned, or the app is provisioned but is not enabled. ' +
    'Please refer to tenant configuration documentation and retry migration.',
  (t) => !t.settings.teams.meetingMigrationAppProvisioned,
);

export const [autoForwardingSource, autoForwardingTarget] = perSide(
  'autoForwarding', ['MMS-005', 'MMS-006'],
  'migration-domain.md §3 (Enable-AutoForwardingMode), §4.3; ORCH-2 text; ERR MMS-005/006',
  'Teams Meeting migration failed. Tenant {tenantId} does not have AutoforwardingMode set to On in Default Exchange Outbound Spam Filter Policy. ' +
    'Refer to tenant configuration documentation and retry migration.',
  (t) => t.settings.exchange.autoForwardingMode !== 'On',
);

export const [mmsExchangeAdminSource, mmsExchangeAdminTarget] = perSide(
  'mmsExchangeAdmin', ['MMS-012', 'MMS-013'],
  'migration-domain.md §3 (Exchange Administrator role for the MMS app), §4.3; ORCH-2 text; ERR MMS-012/013',
  'Teams Meeting migration failed. The MMS App {appId} in {side} tenant {tenantId} does not have the Exchange Administrator directory role ' +
    'assigned. Please assign the role and retry migration.',
  (t) => !t.settings.teams.meetingMigrationAppExchangeAdmin,
);

// Set-CalendarRBACRoles runs in the target only.
export const mmsCalendarRbac = tenantRule({
  id: 'mmsCalendarRbac',
  code: 'MMS-003',
  workloads: ['Meeting'],
  reference: 'migration-domain.md §3 (Set-CalendarRBACRoles, target), §4.3; ORCH-2 / ERR MMS-003 text',
  message:
    'Teams Meeting migration failed. MMS app in tenant {tenantId} is missing the required RBAC roles to access the calendar. ' +
    'Refer to tenant configuration documentation and retry migration.',
  test: (ctx) => !ctx.target.settings.exchange.calendarRbacRolesAssigned && { tenantId: ctx.target.id },
});
