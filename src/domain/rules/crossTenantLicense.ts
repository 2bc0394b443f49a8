import { userRule } from '../validation/define.js';
import { hasT2tLicense } from '../validation/helpers.js';

// CSSX checks the licence only for regular user mailboxes; the move fails with this exception.
export const crossTenantLicense = userRule({
  id: 'crossTenantLicense',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4 (move-time exceptions), rule 11; XTMM-24 exception text; ERR EXCH-08 (no licence)',
  message:
    "CrossTenantMigrationWithoutLicensePermanentException: No license was found for the source recipient, '{sourceId}', or the " +
    "target recipient, '{targetId}'. A Cross-tenant User Data Migration license is required to move a mailbox between tenants.",
  needsSource: true,
  test: (_ctx, u) => {
    const r = u.sourceRecipient;
    if (!r || r.recipientTypeDetails !== 'UserMailbox') return false;
    return !hasT2tLicense(u.sourceUser) && !hasT2tLicense(u.targetUser) && { sourceId: r.id, targetId: u.id };
  },
});
