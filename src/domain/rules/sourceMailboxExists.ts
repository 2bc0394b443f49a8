import { userRule } from '../validation/define.js';
import { isMailbox, sourceUpn } from '../validation/helpers.js';

export const sourceMailboxExists = userRule({
  id: 'sourceMailboxExists',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4 (per-object checks); CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: "{sourceUser} wasn't found on SOURCE tenant",
  needsSource: true,
  test: (_ctx, u) => !(u.sourceRecipient && isMailbox(u.sourceRecipient)) && { sourceUser: sourceUpn(u) },
});
