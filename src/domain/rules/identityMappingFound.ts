import { Workloads } from '../enums.js';
import { userRule } from '../validation/define.js';

// Without a CTIM row the source user is unknown: the engine skips every source-dependent rule.
export const identityMappingFound = userRule({
  id: 'identityMappingFound',
  code: 'CTM-100',
  workloads: Workloads,
  reference: 'migration-domain.md §4.5, rule 48; ERR CTM-100',
  message: 'User migration validation failed. User identity mapping not found.',
  needsSource: false,
  test: (_ctx, u) => !u.mapping && {},
});
