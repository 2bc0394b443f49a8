import { userRule } from '../validation/define.js';
import { isMailbox, targetUpn } from '../validation/helpers.js';

export const meetingIdentityMapped = userRule({
  id: 'meetingIdentityMapped',
  code: 'IM-003',
  workloads: ['Meeting'],
  reference: 'migration-domain.md §4.5, §4.6; ERR IM-003 (Teams meeting) text',
  message:
    "Teams meeting migration for user {user} failed. User {user} from source tenant {sourceTenantId} isn't mapped to an identity in " +
    'target tenant {targetTenantId}. Refer to documentation for identity mapping and retry migration.',
  needsSource: false,
  test: (ctx, u) => !u.mapping && { user: targetUpn(u), sourceTenantId: ctx.source.id, targetTenantId: ctx.target.id },
});

// Meetings move only into a target mailbox: Exchange must be in the job unless the mailbox already moved.
export const meetingExchangeSelected = userRule({
  id: 'meetingExchangeSelected',
  code: 'MMS-011',
  workloads: ['Meeting'],
  reference: 'migration-domain.md §3 (ordering), rule 42; ERR MMS-011 text',
  message: 'Teams Meeting migration failed for user {user}. The user does not have a target mailbox. Retry migration.',
  needsSource: false,
  test: (ctx, u) =>
    !ctx.job.workloads.includes('Exchange') && !(u.targetRecipient && isMailbox(u.targetRecipient)) && { user: targetUpn(u) },
});
