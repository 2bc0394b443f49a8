import { userRule } from '../validation/define.js';
import { isMailbox } from '../validation/helpers.js';

export const MAX_AUX_ARCHIVES = 12;

export const auxArchiveLimit = userRule({
  id: 'auxArchiveLimit',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, §1.7, rule 13; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: "The SOURCE mailbox has more than 12 auxArchive present and we can't migrate that much.",
  needsSource: true,
  test: (_ctx, u) => !!u.sourceRecipient && isMailbox(u.sourceRecipient) && u.sourceRecipient.auxArchiveCount > MAX_AUX_ARCHIVES && {},
});
