import { userRule } from '../validation/define.js';
import { sameText, sourceUpn } from '../validation/helpers.js';

// The SPO identity map is keyed by source UPN (one entry per UPN), so "too many entries" cannot occur.
export const odspIdentityMapEntry = userRule({
  id: 'odspIdentityMapEntry',
  code: 'MnAIdentityMapEntryDoesNotExistsForSourceUPN',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.3, rule 31; ERR OneDrive text',
  message: 'Identity map entry for source UPN [{sourceUpn}] does not exist on the target tenant.',
  needsSource: true,
  test: (_ctx, u) => !u.spoMapping && { sourceUpn: sourceUpn(u) },
});

export const odspIdentityMapMatches = userRule({
  id: 'odspIdentityMapMatches',
  code: 'MnAIdentityMapEntryDoesNotMatchRequest',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.3, rule 31; ERR OneDrive text',
  message: "The identity map entry for source UPN [{sourceUpn}] doesn't correspond to the requested target UPN [{targetUpn}].",
  needsSource: true,
  test: (_ctx, u) =>
    !!u.spoMapping && !!u.targetUser && !sameText(u.spoMapping.targetUpn, u.targetUser.userPrincipalName) &&
    { sourceUpn: sourceUpn(u), targetUpn: u.targetUser.userPrincipalName },
});
