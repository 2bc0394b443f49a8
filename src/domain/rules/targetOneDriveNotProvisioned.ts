import { userRule } from '../validation/define.js';

// The move never merges into an existing OneDrive; the published text carries no value to fill in.
export const targetOneDriveNotProvisioned = userRule({
  id: 'targetOneDriveNotProvisioned',
  code: 'MnASiteMoveTargetUrlHasWriteConflict',
  workloads: ['ODSP'],
  reference: 'migration-domain.md §2.4 (target OneDrive must not exist), §2.7, rule 31; ERR OneDrive text',
  message:
    'The target tenant has a conflict for the site provided. Check whether site with url from the TargetSiteUrl property of this job ' +
    'already exists on the target.',
  needsSource: false,
  test: (_ctx, u) => !!u.targetOneDriveUrl && {},
});
