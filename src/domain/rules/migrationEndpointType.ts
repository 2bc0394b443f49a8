import { tenantRule } from '../validation/define.js';
import { jobEndpoint } from '../validation/helpers.js';

// A cross-tenant endpoint is an ExchangeRemoteMove endpoint against outlook.office.com (CSSX CheckOrgs).
export const migrationEndpointType = tenantRule({
  id: 'migrationEndpointType',
  code: 'EXCH-07',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, rule 5; CSSX CheckOrgs criteria; ERR EXCH-07 text',
  message: 'No valid migration endpoints for the remote tenant.',
  test: (ctx) => {
    const ep = jobEndpoint(ctx);
    return !!ep && (ep.endpointType.toLowerCase() !== 'exchangeremotemove' || ep.remoteServer.toLowerCase() !== 'outlook.office.com') && {};
  },
});
