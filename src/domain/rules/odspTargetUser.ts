import { Licenses } from '../tenantVocabulary.js';
import { userRule } from '../validation/define.js';
import { hasLicense, targetUpn } from '../validation/helpers.js';

export const odspTargetUserExists = userRule({
  id: 'odspTargetUserExists',
  code: 'MnATargetUserDoesNotExist',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4, rule 31; ERR OneDrive text',
  message: 'Target user [{targetUser}] does not exist on the target side.',
  needsSource: false,
  test: (_ctx, u) => !u.targetUser && { targetUser: u.spoMapping?.targetUpn ?? u.id },
});

// "SPO-enabled" = enabled account with a SharePoint Online service plan.
export const odspTargetUserSpoEnabled = userRule({
  id: 'odspTargetUserSpoEnabled',
  code: 'MnATargetUserIsNotSpoEnabled',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4 (target users licensed), rule 31; ERR OneDrive text',
  message: 'Target user [{targetUser}] is not allowed to have any SharePoint resources, including OneDrive.',
  needsSource: false,
  test: (_ctx, u) =>
    !!u.targetUser && (!u.targetUser.accountEnabled || !hasLicense(u.targetUser, Licenses.sharePoint)) && { targetUser: targetUpn(u) },
});

// An apostrophe in the user name / URL fails with an "invalid character" error (OD-OV).
export const odspTargetUpnValid = userRule({
  id: 'odspTargetUpnValid',
  code: 'MnATargetUpnIsInvalid',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4 (apostrophe), rule 31; ERR OneDrive text',
  message: "The target UPN '{targetUser}' is invalid. Please correct this issue and try again.",
  needsSource: false,
  test: (_ctx, u) => !!u.targetUser && u.targetUser.userPrincipalName.includes("'") && { targetUser: targetUpn(u) },
});
