import { userRule } from '../validation/define.js';
import { hasArchive, mailboxPair } from '../validation/helpers.js';

export const targetHasNoExtraArchive = userRule({
  id: 'targetHasNoExtraArchive',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 2, rule 13; CSSX text ({target} = the MailUser\'s Name, i.e. its alias); code EXCH-08 = orchestrator Exchange setup validation',
  message: "The TARGET MailUser {target} has an archive present while source doesn't",
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    return !!p && !hasArchive(p.src) && hasArchive(p.tgt) && { target: p.tgt.alias };
  },
});
