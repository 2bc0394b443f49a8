import { userRule } from '../validation/define.js';
import { targetUpn } from '../validation/helpers.js';

export const targetNoPreviousMailbox = userRule({
  id: 'targetNoPreviousMailbox',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 8; ERR EXCH-08 (stale/soft-deleted objects). xtm wording (no verbatim text published)',
  message:
    "Target user '{targetUser}' still has previous mailbox information (PreviousRecipientTypeDetails {previous}). " +
    'Run Set-User -PermanentlyClearPreviousMailboxInfo and retry the migration.',
  needsSource: false,
  test: (_ctx, u) => {
    const prev = u.targetRecipient?.previousRecipientTypeDetails;
    return !!prev && /mailbox/i.test(prev) && { targetUser: targetUpn(u), previous: prev };
  },
});
