import { tenantRule } from '../validation/define.js';

export const spoCompatibility = tenantRule({
  id: 'spoCompatibility',
  code: 'MnAPartnersFarmsAreIncompatible',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.2, rule 29; ERR OneDrive text',
  message:
    'Please verify the compatibility status before running the migration. In case of incompatible tenants, we recommend waiting for ' +
    'a minimum of 48 hours.',
  test: (ctx) => (ctx.source.settings.sharePoint.compatibility === 'Incompatible' || ctx.target.settings.sharePoint.compatibility === 'Incompatible') && {},
});
