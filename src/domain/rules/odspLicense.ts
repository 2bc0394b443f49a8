import { userRule } from '../validation/define.js';
import { hasT2tLicense, sourceUpn, targetUpn } from '../validation/helpers.js';

export const odspLicense = userRule({
  id: 'odspLicense',
  code: 'MnAOdbUsersAreNotLicensed',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §0 (licence covers mailbox and OneDrive), §2.9, rule 31; ERR OneDrive text',
  message: 'Neither source UPN [{sourceUpn}], nor target UPN [{targetUpn}] are licensed for Cross-tenant OneDrive migration.',
  needsSource: true,
  test: (_ctx, u) => !hasT2tLicense(u.sourceUser) && !hasT2tLicense(u.targetUser) && { sourceUpn: sourceUpn(u), targetUpn: targetUpn(u) },
});
