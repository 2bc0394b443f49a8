import { userRule } from '../validation/define.js';
import { authorizingGroups, sourceUpn, stripSmtp, targetUpn } from '../validation/helpers.js';

export const teamsTargetUserExists = userRule({
  id: 'teamsTargetUserExists',
  code: 'CTTM-015',
  workloads: ['Teams'],
  reference: 'migration-domain.md §4.5; ERR CTTM-015 text ({user} = the submitted target object id)',
  message: 'Teams migration for user {user} failed. The user {user} in tenant {tenantId} does not exist. Check the user Id and retry migration.',
  needsSource: false,
  test: (ctx, u) => !u.targetUser && { user: u.id, tenantId: ctx.target.id },
});

// Unmapped: the source user is unknown, so {sourceUser} is the address CTIM would match on
// (the target MailUser's ExternalEmailAddress), else the target UPN.
export const teamsIdentityMapped = userRule({
  id: 'teamsIdentityMapped',
  code: 'CTTM-003',
  workloads: ['Teams'],
  reference: 'migration-domain.md §4.3 prevalidation table, §4.6; ORCH-2 / ERR CTTM-003 text',
  message:
    'Teams migration for user {user} failed. User {sourceUser} from source tenant {sourceTenantId} is not mapped to an identity in ' +
    'target tenant {targetTenantId}. Refer to documentation for Identity Mapping and retry migration.',
  needsSource: false,
  test: (ctx, u) =>
    !u.mapping && {
      user: targetUpn(u),
      sourceUser: stripSmtp(u.targetRecipient?.externalEmailAddress) || targetUpn(u),
      sourceTenantId: ctx.source.id,
      targetTenantId: ctx.target.id,
    },
});

// Two source identities mapped onto one target user.
export const teamsIdentityConflict = userRule({
  id: 'teamsIdentityConflict',
  code: 'CTTM-009',
  workloads: ['Teams'],
  reference: 'migration-domain.md §4.3 prevalidation table; ORCH-2 / ERR CTTM-009 text',
  message:
    'Teams migration for user {user} failed. There is a conflict in the target user provided by the migration service and the ' +
    'Identity Mapping service. Rerun Identity Mapping and retry migration.',
  needsSource: false,
  test: (_ctx, u) => u.mappedSourceCount > 1 && { user: targetUpn(u) },
});

export const teamsScopeAuthorized = userRule({
  id: 'teamsScopeAuthorized',
  code: 'CTTM-013',
  workloads: ['Teams'],
  reference: 'migration-domain.md §1.2, §4.3 prevalidation table; ORCH-2 text / ERR CTTM-013',
  message:
    'Teams migration failed. The user {sourceUser} from source tenant {sourceTenantId} is not authorized to migrate to user ' +
    '{targetUser} from target tenant {targetTenantId}. Refer to documentation for Identity Mapping and retry migration.',
  needsSource: true,
  test: (ctx, u) => {
    const groups = authorizingGroups(ctx);
    return groups.length > 0 && !groups.some((g) => u.scopeGroupIds.includes(g.id)) && {
      sourceUser: sourceUpn(u), sourceTenantId: ctx.source.id, targetUser: targetUpn(u), targetTenantId: ctx.target.id,
    };
  },
});
