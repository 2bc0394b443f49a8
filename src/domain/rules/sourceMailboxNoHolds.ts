import { userRule } from '../validation/define.js';
import { isMailbox } from '../validation/helpers.js';
import type { MailboxHolds } from '../tenantVocabulary.js';

/** One phrase per kind of hold on the mailbox, in CSSX's order and wording (also used for a hold placed mid-move). */
export function holdFindings(h: MailboxHolds): string[] {
  const found: string[] = [];
  if (h.litigationHoldEnabled) found.push('is under Litigation Hold');
  if (h.delayHoldApplied) found.push('is under a Delay Hold');
  if (h.delayReleaseHoldApplied) found.push('is under a Delay Release Hold');
  if (h.complianceTagHoldApplied) found.push('has labeled items with a Retention Label');
  if (h.inPlaceHolds.length > 0) found.push('is under an In-PlaceHold Hold');
  if (h.orgHold) found.push('is under an Organizational Hold');
  return found;
}

export const sourceMailboxNoHolds = userRule({
  id: 'sourceMailboxNoHolds',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, §1.6, rule 10; CSSX texts (offline variant); ERR EXCH-08 (litigation hold)',
  message: 'SOURCE mailbox {hold}. This move is not supported as it would lead into data loss',
  needsSource: true,
  test: (_ctx, u) => {
    const r = u.sourceRecipient;
    if (!r || !isMailbox(r)) return false;
    return holdFindings(r.holds).map((hold) => ({ hold }));
  },
});
