import { tenantRule } from '../validation/define.js';
import { jobEndpoint } from '../validation/helpers.js';

export const migrationEndpointIsRemote = tenantRule({
  id: 'migrationEndpointIsRemote',
  code: 'EXCH-07',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, rule 5; VERIFY text (PowerShell prints the boolean as False); ERR EXCH-07',
  message: 'IsRemote does not match in Migration Endpoint. Expected [true] found [{found}]',
  test: (ctx) => {
    const ep = jobEndpoint(ctx);
    return !!ep && !ep.isRemote && { found: 'False' };
  },
});
