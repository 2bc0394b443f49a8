import { userRule } from '../validation/define.js';
import { isMailbox, targetUpn } from '../validation/helpers.js';

// Licensing the MEU before ExchangeGuid was stamped provisions a mailbox and the move fails.
export const targetIsMailUser = userRule({
  id: 'targetIsMailUser',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 items 1 and 9, rule 12; I-6139 text; code EXCH-08 = orchestrator Exchange setup validation',
  message: "Target user '{targetUser}' already has a primary mailbox.",
  needsSource: false,
  test: (_ctx, u) => !!u.targetRecipient && isMailbox(u.targetRecipient) && { targetUser: targetUpn(u) },
});
