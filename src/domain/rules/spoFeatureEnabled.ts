import { tenantRule } from '../validation/define.js';

// The feature name for OneDrive moves is not published ([MnASiteMove] is quoted for sites);
// xtm fills in MnAUserMove by analogy with Start-SPOCrossTenantUserContentMove.
export const spoFeatureEnabled = tenantRule({
  id: 'spoFeatureEnabled',
  code: 'FeatureIsNotEnabled',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.1, rule 28; ERR OneDrive text; feature name is an inference',
  message: 'The Cross-Tenant content move [{feature}] feature is not enabled for this tenant.',
  test: (ctx) =>
    (!ctx.source.settings.sharePoint.crossTenantMoveFeatureEnabled || !ctx.target.settings.sharePoint.crossTenantMoveFeatureEnabled) &&
    { feature: 'MnAUserMove' },
});
