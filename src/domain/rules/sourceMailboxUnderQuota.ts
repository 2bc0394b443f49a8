import { userRule } from '../validation/define.js';
import { isMailbox, sourceUpn } from '../validation/helpers.js';

export const sourceMailboxUnderQuota = userRule({
  id: 'sourceMailboxUnderQuota',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4 (EXCH-08 reason), §1.6 (over-quota mailboxes fail), rule 19; ERR reason text',
  message: "The source mailbox {sourceUser} exceeds the quota and can't be migrated cross-tenant.",
  needsSource: true,
  test: (_ctx, u) => {
    const r = u.sourceRecipient;
    return !!r && isMailbox(r) && r.prohibitSendReceiveQuotaBytes > 0 && r.mailboxSizeBytes > r.prohibitSendReceiveQuotaBytes &&
      { sourceUser: sourceUpn(u) };
  },
});
