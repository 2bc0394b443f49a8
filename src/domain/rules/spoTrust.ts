import { tenantRule } from '../validation/define.js';
import { SPO_DORMANCY_MS, isoPlus, normHost, spoRelationship } from '../validation/helpers.js';
import type { ValidationContext } from '../validation/types.js';

// Both sides must run Set-SPOCrossTenantRelationship -Scenario MnA towards the other's my-site
// host: source with PartnerRole Target, target with PartnerRole Source.
function sides(ctx: ValidationContext) {
  return [
    { local: ctx.source, partner: ctx.target, ...spoRelationship(ctx.source, ctx.target, 'Target') },
    { local: ctx.target, partner: ctx.source, ...spoRelationship(ctx.target, ctx.source, 'Source') },
  ];
}

export const spoHostUrl = tenantRule({
  id: 'spoHostUrl',
  code: 'MnAFatalErrorAdminSiteCouldNotBeUsedAsMySiteHost',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.1, §2.5, rule 31; ERR OneDrive text',
  message: 'Cross-tenant moves are blocked because the TargetCrossTenantHostUrl value is incorrect.',
  test: (ctx) => sides(ctx).some((s) => !s.exact && s.wrongHost) && {},
});

export const spoTrustEstablished = tenantRule({
  id: 'spoTrustEstablished',
  code: 'MnATrustNoSetupForPartner',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.1 (NotEstablished / NotEstablishedByPartner), rule 27; ERR OneDrive text',
  message: 'There is no Cross-Tenant relationship established for partner [{partner}].',
  test: (ctx) => sides(ctx).filter((s) => !s.exact && !s.wrongHost).map((s) => ({ partner: normHost(s.partner.mySiteHost) })),
});

// A trust younger than seven days makes the partner see DormantByPartner; GoodToProceed needs
// both sides past the window, measured on the clock service (ctx.nowMs).
export const spoTrustDormancy = tenantRule({
  id: 'spoTrustDormancy',
  code: 'MnATrustNoSetupForPartner',
  workloads: ['ODSP'],
  reference:
    'migration-domain.md §2.1 (DormantByPartner, seven-day waiting period), rule 27 (GoodToProceed = inference); ' +
    'MnATrustNoSetupForPartner text + xtm detail',
  message:
    'There is no Cross-Tenant relationship established for partner [{partner}]. Verify-SPOCrossTenantRelationship reports ' +
    '[DormantByPartner]: the trust was set up at {createdAt} and can be used after the seven-day waiting period, at {readyAt}.',
  test: (ctx) =>
    sides(ctx)
      .filter((s) => s.exact && Date.parse(s.exact.createdAt) + SPO_DORMANCY_MS > ctx.nowMs)
      .map((s) => ({ partner: normHost(s.local.mySiteHost), createdAt: s.exact!.createdAt, readyAt: isoPlus(s.exact!.createdAt, SPO_DORMANCY_MS) })),
});
