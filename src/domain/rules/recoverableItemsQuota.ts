import { userRule } from '../validation/define.js';
import { mailboxPair } from '../validation/helpers.js';

export const recoverableItemsQuota = userRule({
  id: 'recoverableItemsQuota',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, rule 19; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: 'Dumpster size on SOURCE mailbox is bigger than TARGET MailUser RecoverableItemsQuota. This might cause the migration to fail',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    return !!p && p.src.recoverableItemsSizeBytes > p.tgt.recoverableItemsQuotaBytes && {};
  },
});
