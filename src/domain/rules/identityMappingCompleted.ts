import { Workloads } from '../enums.js';
import { userRule } from '../validation/define.js';

export const identityMappingCompleted = userRule({
  id: 'identityMappingCompleted',
  code: 'CTM-101',
  workloads: Workloads,
  reference: 'migration-domain.md §4.5, §4.6, rule 48; ERR CTM-101',
  message:
    'User migration validation failed. User identity mapping not in completed state. Mapping state is {state}. ' +
    'Refer to identity mapping documentation to complete the process or fix the errors.',
  needsSource: false,
  test: (_ctx, u) => !!u.mapping && u.mapping.state !== 'Completed' && { state: u.mapping.state },
});
