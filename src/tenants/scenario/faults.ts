// Deliberate misconfigurations a scenario can give a generated user. Each is one documented change
// from a correctly prepared source/target pair; the validation engine's tests rely on these meanings
// (docs/scenarios.md lists them with the check each one trips).

export const FAULTS = {
  missingX500: 'Target MailUser lacks x500:<source LegacyExchangeDN> and the source X500 proxies.',
  wrongExchangeGuid: 'Target MailUser ExchangeGuid differs from the source mailbox ExchangeGuid.',
  wrongArchiveGuid: 'Source has an archive; target ArchiveGuid differs from it.',
  litigationHold: 'Source mailbox has LitigationHoldEnabled.',
  inPlaceHold: 'Source mailbox has an InPlaceHolds entry (mbx…:1).',
  unlicensed: 'Neither user has the Cross Tenant User Data Migration licence (normally on the target user).',
  notInScope: 'Source user is not a member of the scope group (MailboxMovePublishedScopes).',
  targetIsMailbox: 'Target is a UserMailbox with its own ExchangeGuid (licensed before the GUID was stamped), not a MailUser.',
  targetMissing: 'No target user at all; the CTIM identity stays Unmapped (the SharePoint map still names the target UPN).',
  externalEmailMismatch: 'Target ExternalEmailAddress is the source .onmicrosoft.com address, not the source PrimarySmtpAddress.',
  smtpNotAccepted: 'Target MailUser has an smtp: proxy in a domain the target registered but has not verified (needs an unverified target domain).',
  noDeliveryDomainProxy: 'Target MailUser has no proxy in the target delivery domain (<target>.onmicrosoft.com).',
  tooManyAuxArchives: 'Source mailbox has an archive and 13 auxiliary archives (the limit is 12).',
  dumpsterOverQuota: 'Source Recoverable Items size is 1 GiB over the target RecoverableItemsQuota.',
  identityUnmapped: 'CTIM identity of the user is Unmapped (no target).',
  identityNotCompleted: 'CTIM identity of the user is Mapped but not Completed (not written).',
  oneDriveReadOnly: 'Source OneDrive is ReadOnly.',
  oneDriveMissing: 'Source user has no OneDrive.',
  targetOneDriveExists: 'Target user already has a (empty) OneDrive at the URL the move would use.',
  noSpoMapping: 'No SharePoint identity-map row for the source UPN.',
  longPath: 'One source OneDrive file has a path that exceeds 400 characters once rewritten to the target URL.',
  noTeamsLicense: 'Target user lacks the Teams licence (TEAMS1).',
  noExchangePlan: 'Target user lacks an Exchange Online plan (EXCHANGE_S_ENTERPRISE).',
} as const;

export type FaultKind = keyof typeof FAULTS;
export const FAULT_KINDS = Object.keys(FAULTS) as FaultKind[];
