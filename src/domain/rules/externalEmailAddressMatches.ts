import { userRule } from '../validation/define.js';
import { mailboxPair, sameText, stripSmtp } from '../validation/helpers.js';

export const externalEmailAddressMatches = userRule({
  id: 'externalEmailAddressMatches',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 6, §1.4, §4.6 (CTIM match key), rule 16; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: 'TargetMailUser ExternalEmailAddress value {external} does not match the PrimarySMTPAddress of the SourceMailbox {sourcePrimary}',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    return !!p && !sameText(stripSmtp(p.tgt.externalEmailAddress), p.src.primarySmtpAddress) &&
      { external: p.tgt.externalEmailAddress ?? '', sourcePrimary: p.src.primarySmtpAddress };
  },
});
