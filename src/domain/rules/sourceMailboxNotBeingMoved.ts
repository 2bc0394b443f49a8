import { userRule } from '../validation/define.js';
import { isMailbox, sourceUpn } from '../validation/helpers.js';

export const sourceMailboxNotBeingMoved = userRule({
  id: 'sourceMailboxNotBeingMoved',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference:
    'migration-domain.md §1.4 (SourceMailboxAlreadyBeingMovedPermanentException; EXCH-08 reason MailboxMoveRemoteHostName), rule 18; ' +
    'exception name + ERR reason text; code EXCH-08 = orchestrator Exchange setup validation',
  message:
    'SourceMailboxAlreadyBeingMovedPermanentException: The MailboxMoveRemoteHostName field of the source mailbox {sourceUser} ' +
    "isn't empty ({host}). Use Set-Mailbox -AttributesToClear MailboxMoveRemoteHostName, then retry the migration.",
  needsSource: true,
  test: (_ctx, u) => {
    const r = u.sourceRecipient;
    return !!r && isMailbox(r) && !!r.mailboxMoveRemoteHostName && { sourceUser: sourceUpn(u), host: r.mailboxMoveRemoteHostName };
  },
});
