import { tenantRule } from '../validation/define.js';

// Set-CsTenantFederationConfiguration -AllowFederatedUsers $True on both sides; no dedicated
// error is published, so it is reported as the generic tenant pre-migration failure.
export const teamsFederation = tenantRule({
  id: 'teamsFederation',
  code: 'CTTM-016',
  workloads: ['Teams'],
  reference: 'migration-domain.md §3 (federation prerequisite); ERR CTTM-016 text',
  message: 'Teams migration failed. The tenant failed a pre-migration validation step. Refer to tenant configuration documentation and retry validation.',
  test: (ctx) => (!ctx.source.settings.teams.allowFederatedUsers || !ctx.target.settings.teams.allowFederatedUsers) && {},
});
