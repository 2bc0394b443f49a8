import { tenantRule } from '../validation/define.js';
import { jobEndpoint } from '../validation/helpers.js';

// RemoteTenant may hold the source tenant's GUID or any of its domains.
export const migrationEndpointRemoteTenant = tenantRule({
  id: 'migrationEndpointRemoteTenant',
  code: 'EXCH-07',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 5; VERIFY text; ERR EXCH-07',
  message: 'RemoteTenant does not match in Migration Endpoint. Expected [{expected}] found [{found}]',
  test: (ctx) => {
    const ep = jobEndpoint(ctx);
    if (!ep) return false;
    const remote = ep.remoteTenant.toLowerCase();
    const ok = remote === ctx.source.id.toLowerCase() || ctx.source.domains.some((d) => d.name === remote);
    return !ok && { expected: ctx.source.defaultDomain, found: ep.remoteTenant };
  },
});
