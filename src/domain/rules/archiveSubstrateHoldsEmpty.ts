import { userRule } from '../validation/define.js';
import { hasArchive, isMailbox } from '../validation/helpers.js';

export const archiveSubstrateHoldsEmpty = userRule({
  id: 'archiveSubstrateHoldsEmpty',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, §5 item 6; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message:
    'SOURCE Archive mailbox has items within the SubstrateHolds folder and this will cause the migration to fail. Please work on ' +
    'removing those items with MFCMapi manually before creating the move for this mailbox',
  needsSource: true,
  test: (_ctx, u) => {
    const r = u.sourceRecipient;
    return !!r && isMailbox(r) && hasArchive(r) && r.holds.substrateHoldItems > 0 && {};
  },
});
