import { userRule } from '../validation/define.js';
import { hasArchive, mailboxPair, sameText } from '../validation/helpers.js';

export const archiveGuidMatches = userRule({
  id: 'archiveGuidMatches',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 2, §1.4, rule 13; CSSX text; ERR EXCH-08 (missing ArchiveGuid)',
  message: 'ArchiveGuid mismatch. Expected Value: {expected} , Current value: {found}',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    return !!p && hasArchive(p.src) && !sameText(p.src.archiveGuid, p.tgt.archiveGuid) &&
      { expected: p.src.archiveGuid ?? '', found: p.tgt.archiveGuid ?? '' };
  },
});
