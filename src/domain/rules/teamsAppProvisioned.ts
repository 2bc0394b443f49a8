import { FirstPartyApps } from '../tenantVocabulary.js';
import { tenantRule } from '../validation/define.js';

// Grant-CTTMAppPermissions in each tenant (TenantSettings.teams.chatMigrationAppProvisioned).
export const teamsAppProvisioned = tenantRule({
  id: 'teamsAppProvisioned',
  code: 'CTTM-002',
  workloads: ['Teams'],
  reference: 'migration-domain.md §3, §4.3 prevalidation table; ORCH-2 / ERR CTTM-002 text',
  message:
    'Teams migration failed. App {appId} in tenant {tenantId} is not provisioned, or the app is provisioned but is not enabled. ' +
    'Please refer to tenant configuration documentation and retry migration.',
  test: (ctx) =>
    [ctx.source, ctx.target]
      .filter((t) => !t.settings.teams.chatMigrationAppProvisioned)
      .map((t) => ({ appId: FirstPartyApps.teamsChatMigration.appId, tenantId: t.id })),
});
