import { userRule } from '../validation/define.js';
import { sourceUpn } from '../validation/helpers.js';

export const sourceOneDriveExists = userRule({
  id: 'sourceOneDriveExists',
  code: 'MnAOdbForSourceUPNDoesNotExist',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.9, rule 31; ERR OneDrive text',
  message: 'OneDrive site for source user UPN [{sourceUpn}] does not exist.',
  needsSource: true,
  test: (_ctx, u) => !u.sourceOneDrive && { sourceUpn: sourceUpn(u) },
});

// Only a redirect site left at the user's OneDrive URL: the content was already moved.
export const sourceOneDriveNotMoved = userRule({
  id: 'sourceOneDriveNotMoved',
  code: 'MnASiteMoveIsInprogressOrFinished',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.7 (RedirectSite#0), §2.9, rule 31; ERR OneDrive text',
  message:
    'Failed to initiate cross-tenant move because another move job for the same source URL [{url}] is already in progress or has finished.',
  needsSource: true,
  test: (_ctx, u) => u.sourceOneDrive?.kind === 'Redirect' && { url: u.sourceOneDrive.url },
});
