import { tenantRule } from '../validation/define.js';
import { jobEndpoint, migrationAppId } from '../validation/helpers.js';

export const migrationEndpointApplicationId = tenantRule({
  id: 'migrationEndpointApplicationId',
  code: 'EXCH-07',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 5; VERIFY text; ERR EXCH-07',
  message: 'ApplicationId does not match in Migration Endpoint. Expected [{expected}] found [{found}]',
  test: (ctx) => {
    const ep = jobEndpoint(ctx);
    const appId = migrationAppId(ctx);
    return !!ep && !!appId && ep.applicationId.toLowerCase() !== appId.toLowerCase() && { expected: appId, found: ep.applicationId };
  },
});
