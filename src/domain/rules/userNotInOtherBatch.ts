import { Workloads } from '../enums.js';
import { userRule } from '../validation/define.js';

// Active = the other job is not final and the user's task there is not cancelled (snapshot.ts).
export const userNotInOtherBatch = userRule({
  id: 'userNotInOtherBatch',
  code: 'CTM-002',
  workloads: Workloads,
  reference: 'migration-domain.md §4.3, rules 18 and 48; ORCH-2 text; ERR CTM-002 ({batch} = the other job\'s displayName)',
  message: 'User migration validation failed. User is already a part of another batch {batch}',
  needsSource: false,
  test: (_ctx, u) => u.otherActiveJobs.map((j) => ({ batch: j.displayName })),
});
