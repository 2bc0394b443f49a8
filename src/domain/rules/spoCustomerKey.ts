import { tenantRule } from '../validation/define.js';

export const spoCustomerKey = tenantRule({
  id: 'spoCustomerKey',
  code: 'MnABYOKEnabledOnSourceTenant',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4, rule 31; ERR OneDrive text',
  message: "Blocking Cross-Tenant moves because 'Bring Your Own Key' (BYOK) is enabled for the Source tenant.",
  test: (ctx) => ctx.source.settings.sharePoint.customerKeyEnabled && {},
});
