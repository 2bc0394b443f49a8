import { Workloads } from '../enums.js';
import { tenantRule } from '../validation/define.js';

// The documented text names no tenant, so one finding covers either side (settings.orchestrator).
export const ctmsAppProvisioned = tenantRule({
  id: 'ctmsAppProvisioned',
  code: 'CTM-104',
  workloads: Workloads,
  reference: 'migration-domain.md §4.5; ERR CTM-104',
  message:
    'User migration failed. The CTMS App in tenant is not provisioned, or the app is provisioned but is not enabled. ' +
    'Please refer to tenant configuration documentation and retry migration.',
  test: (ctx) => (!ctx.source.settings.orchestrator.ctmsAppProvisioned || !ctx.target.settings.orchestrator.ctmsAppProvisioned) && {},
});
