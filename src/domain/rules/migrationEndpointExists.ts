import { tenantRule } from '../validation/define.js';
import { jobEndpoint } from '../validation/helpers.js';

// EXCH-07 is the orchestrator's code; the prevalidation text names the endpoint, so it is the message.
export const migrationEndpointExists = tenantRule({
  id: 'migrationEndpointExists',
  code: 'EXCH-07',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §4.3 prevalidation table, rule 6; ORCH-2 text; ERR EXCH-07',
  message: "The migration endpoint '{endpoint}' couldn't be found.",
  test: (ctx) => !jobEndpoint(ctx) && { endpoint: ctx.job.exchangeSettings?.sourceEndpoint ?? '' },
});
