import { Workloads } from '../enums.js';
import { userRule } from '../validation/define.js';

export const userNotDuplicateInBatch = userRule({
  id: 'userNotDuplicateInBatch',
  code: 'CTM-001',
  workloads: Workloads,
  reference: 'migration-domain.md §4.3 prevalidation table, rule 18; ORCH-2 text; ERR CTM-001',
  message: 'User migration validation failed. User is already a part of the same batch.',
  needsSource: false,
  test: (_ctx, u) => u.occurrencesInJob > 1 && {},
});
