// Cases for the per-user Exchange checks (rules 9–19): user 2 (or user 1, the one with an archive)
// is broken; users 1/3 and the other workloads stay valid.
import type { Cases, Expectation } from './harness.js';
import { u } from './harness.js';
import { SRC, TGT, legacyDn, sourceId, targetId } from './fixture.js';
import { Licenses } from '../../src/domain/tenantVocabulary.js';

const ex = (n: number, code: string, message: string): Expectation[] => [{ users: [n], workload: 'Exchange', errors: [[code, message]] }];
const GiB = 1024 ** 3;

export const exchangeUserCases: Cases = {
  targetRecipientExists: {
    mutate: (f) => { u(f, 2).targetRecipient = null; },
    expect: ex(2, 'EXCH-08', 'MigrationRecipientNotFoundException: A recipient wasn\'t found for "user2@fabrikam.com" on the target. Create a recipient of the appropriate type for this migration on the target and try again.'),
  },
  targetIsMailUser: {
    mutate: (f) => Object.assign(u(f, 2).targetRecipient!, { recipientType: 'UserMailbox', recipientTypeDetails: 'UserMailbox' }),
    expect: ex(2, 'EXCH-08', "Target user 'user2@fabrikam.com' already has a primary mailbox."),
  },
  targetNoPreviousMailbox: {
    mutate: (f) => { u(f, 2).targetRecipient!.previousRecipientTypeDetails = 'UserMailbox'; },
    expect: ex(2, 'EXCH-08', "Target user 'user2@fabrikam.com' still has previous mailbox information (PreviousRecipientTypeDetails UserMailbox). Run Set-User -PermanentlyClearPreviousMailboxInfo and retry the migration."),
  },
  sourceMailboxExists: {
    mutate: (f) => { u(f, 2).sourceRecipient = null; },
    expect: ex(2, 'EXCH-08', "user2@contoso.com wasn't found on SOURCE tenant"),
  },
  mailboxInMigrationScope: {
    mutate: (f) => { u(f, 2).scopeGroupIds = []; },
    expect: [
      ...ex(2, 'MIGR-002', 'User migration failed. User user2@contoso.com is not authorized to migrate. To authorize user2@contoso.com, add them to security group T2T-Scope and then retry the migration.'),
      { users: [2], workload: 'Teams', errors: [['CTTM-013', `Teams migration failed. The user user2@contoso.com from source tenant ${SRC} is not authorized to migrate to user user2@fabrikam.com from target tenant ${TGT}. Refer to documentation for Identity Mapping and retry migration.`]] },
    ],
  },
  sourceMailboxNoHolds: {
    mutate: (f) => { u(f, 2).sourceRecipient!.holds.litigationHoldEnabled = true; },
    expect: ex(2, 'EXCH-08', 'SOURCE mailbox is under Litigation Hold. This move is not supported as it would lead into data loss'),
  },
  archiveSubstrateHoldsEmpty: {
    mutate: (f) => { u(f, 1).sourceRecipient!.holds.substrateHoldItems = 5; },
    expect: ex(1, 'EXCH-08', 'SOURCE Archive mailbox has items within the SubstrateHolds folder and this will cause the migration to fail. Please work on removing those items with MFCMapi manually before creating the move for this mailbox'),
  },
  crossTenantLicense: {
    mutate: (f) => { u(f, 2).sourceUser!.licenses = u(f, 2).sourceUser!.licenses.filter((l) => l !== Licenses.crossTenantUserDataMigration); },
    expect: [
      ...ex(2, 'EXCH-08', `CrossTenantMigrationWithoutLicensePermanentException: No license was found for the source recipient, '${sourceId(2)}', or the target recipient, '${targetId(2)}'. A Cross-tenant User Data Migration license is required to move a mailbox between tenants.`),
      { users: [2], workload: 'ODSP', errors: [['MnAOdbUsersAreNotLicensed', 'Neither source UPN [user2@contoso.com], nor target UPN [user2@fabrikam.com] are licensed for Cross-tenant OneDrive migration.']] },
    ],
  },
  auxArchiveLimit: {
    mutate: (f) => { u(f, 2).sourceRecipient!.auxArchiveCount = 13; },
    expect: ex(2, 'EXCH-08', "The SOURCE mailbox has more than 12 auxArchive present and we can't migrate that much."),
  },
  exchangeGuidMatches: {
    mutate: (f) => { u(f, 2).targetRecipient!.exchangeGuid = null; },
    expect: ex(2, 'EXCH-08', 'ExchangeGuid mismatch. Expected value: e0000002-0000-4000-8000-000000000002 ,Current value: '),
  },
  archiveGuidMatches: {
    mutate: (f) => { u(f, 1).targetRecipient!.archiveGuid = 'a9999999-0000-4000-8000-000000000009'; },
    expect: ex(1, 'EXCH-08', 'ArchiveGuid mismatch. Expected Value: a0000001-0000-4000-8000-000000000001 , Current value: a9999999-0000-4000-8000-000000000009'),
  },
  targetHasNoExtraArchive: {
    mutate: (f) => { u(f, 2).targetRecipient!.archiveGuid = 'a9999999-0000-4000-8000-000000000009'; },
    expect: ex(2, 'EXCH-08', "The TARGET MailUser user2 has an archive present while source doesn't"),
  },
  legacyExchangeDnX500: {
    mutate: (f) => { const r = u(f, 2).targetRecipient!; r.emailAddresses = r.emailAddresses.filter((a) => a !== `x500:${legacyDn(2)}`); },
    expect: ex(2, 'EXCH-08', `LegacyExchangeDN not found as an X500 ProxyAddress on Target Object. LegacyExchangeDN expected on target object: ${legacyDn(2)}`),
  },
  sourceX500Addresses: {
    mutate: (f) => { const r = u(f, 2).targetRecipient!; r.emailAddresses = r.emailAddresses.filter((a) => !a.includes('ou=Legacy')); },
    expect: ex(2, 'EXCH-08', 'x500:/o=Contoso/ou=Legacy/cn=user2 is not present on the TARGET MailUser'),
  },
  targetPrimarySmtpAccepted: {
    mutate: (f) => { u(f, 2).targetRecipient!.primarySmtpAddress = 'user2@northwind.com'; },
    expect: ex(2, 'EXCH-08', 'The Primary SMTP address user2@northwind.com of the MailUser does not belong to an accepted domain on the target tenant'),
  },
  targetProxyAddressesAccepted: {
    // registered in the target but not verified, so not an accepted domain
    mutate: (f) => {
      f.ctx.target.domains.push({ name: 'fabrikam.net', isVerified: false, isInitial: false, isDefault: false, acceptedDomainType: 'Authoritative' });
      u(f, 2).targetRecipient!.emailAddresses.push('smtp:user2@fabrikam.net');
    },
    expect: ex(2, 'EXCH-08', 'smtp:user2@fabrikam.net is not part of your organization'),
  },
  externalEmailAddressMatches: {
    mutate: (f) => { u(f, 2).targetRecipient!.externalEmailAddress = 'SMTP:someone@contoso.com'; },
    expect: ex(2, 'EXCH-08', 'TargetMailUser ExternalEmailAddress value SMTP:someone@contoso.com does not match the PrimarySMTPAddress of the SourceMailbox user2@contoso.com'),
  },
  targetDeliveryDomainAddress: {
    mutate: (f) => { const r = u(f, 2).targetRecipient!; r.emailAddresses = r.emailAddresses.filter((a) => !a.endsWith('@fabrikam.onmicrosoft.com')); },
    expect: ex(2, 'EXCH-08', "The TARGET MailUser user2@fabrikam.com has no email address in the target delivery domain fabrikam.onmicrosoft.com, so mail to the source mailbox can't be routed to it after the move."),
  },
  sourceMailboxNotBeingMoved: {
    mutate: (f) => { u(f, 2).sourceRecipient!.mailboxMoveRemoteHostName = 'outlook.office.com'; },
    expect: ex(2, 'EXCH-08', "SourceMailboxAlreadyBeingMovedPermanentException: The MailboxMoveRemoteHostName field of the source mailbox user2@contoso.com isn't empty (outlook.office.com). Use Set-Mailbox -AttributesToClear MailboxMoveRemoteHostName, then retry the migration."),
  },
  sourceMailboxUnderQuota: {
    mutate: (f) => { u(f, 2).sourceRecipient!.mailboxSizeBytes = 101 * GiB; },
    expect: ex(2, 'EXCH-08', "The source mailbox user2@contoso.com exceeds the quota and can't be migrated cross-tenant."),
  },
  recoverableItemsQuota: {
    mutate: (f) => { u(f, 2).sourceRecipient!.recoverableItemsSizeBytes = 31 * GiB; },
    expect: ex(2, 'EXCH-08', 'Dumpster size on SOURCE mailbox is bigger than TARGET MailUser RecoverableItemsQuota. This might cause the migration to fail'),
  },
};
