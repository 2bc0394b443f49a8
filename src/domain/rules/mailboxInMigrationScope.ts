import { userRule } from '../validation/define.js';
import { authorizingGroups, sourceUpn } from '../validation/helpers.js';

// Direct membership only (nested groups are not honoured). With no usable scope group the
// tenant-level MIGR-004 rules report the cause instead.
export const mailboxInMigrationScope = userRule({
  id: 'mailboxInMigrationScope',
  code: 'MIGR-002',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.2, §4.5, rule 9 (MailboxNotInCrossTenantMigrationScopeException); ERR MIGR-002 text',
  message:
    'User migration failed. User {user} is not authorized to migrate. To authorize {user}, add them to security group {group} ' +
    'and then retry the migration.',
  needsSource: true,
  test: (ctx, u) => {
    const groups = authorizingGroups(ctx);
    if (groups.length === 0) return false;
    return !groups.some((g) => u.scopeGroupIds.includes(g.id)) && { user: sourceUpn(u), group: groups[0]!.displayName };
  },
});
