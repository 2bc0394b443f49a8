// Every validation rule, in the order its errors are listed and in which `migrate` looks for the
// first failure. Adding a rule = one file in domain/rules/ + one line here (docs/validation-rules.md
// is generated from this list: npm run docs:rules).
// Codes: the orchestrator's documented codes where one exists (CTM-*, MIGR-*, EXCH-07/08, CTTM-*, MMS-*,
// TMS-003, IM-003), SharePoint's error names (MnA*, FeatureIsNotEnabled) for ODSP. Messages: the
// VerifySetup / CSSX / exception / ORCH-2 / ERR texts; each rule's reference names its sources.
import type { Rule } from './types.js';
// general (every workload)
import { identityMappingFound } from '../rules/identityMappingFound.js';
import { identityMappingCompleted } from '../rules/identityMappingCompleted.js';
import { userNotDuplicateInBatch } from '../rules/userNotDuplicateInBatch.js';
import { userNotInOtherBatch } from '../rules/userNotInOtherBatch.js';
import { sameCloud } from '../rules/sameCloud.js';
import { ctmsAppProvisioned } from '../rules/ctmsAppProvisioned.js';
// Exchange, tenant level
import { migrationAppRegisteredInTarget, migrationAppRegisteredInSource } from '../rules/migrationAppRegistered.js';
import { migrationAppOwnedByTarget } from '../rules/migrationAppOwnedByTarget.js';
import { migrationAppPermissionInTarget, migrationAppConsentedInSource } from '../rules/migrationAppPermission.js';
import { targetOrgRelExists, sourceOrgRelExists } from '../rules/orgRelExists.js';
import { targetOrgRelEnabled, sourceOrgRelEnabled } from '../rules/orgRelEnabled.js';
import { targetOrgRelMailboxMoveEnabled, sourceOrgRelMailboxMoveEnabled } from '../rules/orgRelMailboxMoveEnabled.js';
import { targetOrgRelCapability, sourceOrgRelCapability } from '../rules/orgRelCapability.js';
import { sourceOrgRelOAuthApp } from '../rules/sourceOrgRelOAuthApp.js';
import { sourceOrgRelPublishedScopes, sourceOrgRelScopeGroup } from '../rules/sourceOrgRelScopes.js';
import { migrationEndpointExists } from '../rules/migrationEndpointExists.js';
import { migrationEndpointType } from '../rules/migrationEndpointType.js';
import { migrationEndpointRemoteTenant } from '../rules/migrationEndpointRemoteTenant.js';
import { migrationEndpointApplicationId } from '../rules/migrationEndpointApplicationId.js';
import { migrationEndpointIsRemote } from '../rules/migrationEndpointIsRemote.js';
import { noSharedDomains } from '../rules/noSharedDomains.js';
// Exchange, per user
import { targetRecipientExists } from '../rules/targetRecipientExists.js';
import { targetIsMailUser } from '../rules/targetIsMailUser.js';
import { targetNoPreviousMailbox } from '../rules/targetNoPreviousMailbox.js';
import { sourceMailboxExists } from '../rules/sourceMailboxExists.js';
import { mailboxInMigrationScope } from '../rules/mailboxInMigrationScope.js';
import { sourceMailboxNoHolds } from '../rules/sourceMailboxNoHolds.js';
import { archiveSubstrateHoldsEmpty } from '../rules/archiveSubstrateHoldsEmpty.js';
import { crossTenantLicense } from '../rules/crossTenantLicense.js';
import { auxArchiveLimit } from '../rules/auxArchiveLimit.js';
import { exchangeGuidMatches } from '../rules/exchangeGuidMatches.js';
import { archiveGuidMatches } from '../rules/archiveGuidMatches.js';
import { targetHasNoExtraArchive } from '../rules/targetHasNoExtraArchive.js';
import { legacyExchangeDnX500 } from '../rules/legacyExchangeDnX500.js';
import { sourceX500Addresses } from '../rules/sourceX500Addresses.js';
import { targetPrimarySmtpAccepted } from '../rules/targetPrimarySmtpAccepted.js';
import { targetProxyAddressesAccepted } from '../rules/targetProxyAddressesAccepted.js';
import { externalEmailAddressMatches } from '../rules/externalEmailAddressMatches.js';
import { targetDeliveryDomainAddress } from '../rules/targetDeliveryDomainAddress.js';
import { sourceMailboxNotBeingMoved } from '../rules/sourceMailboxNotBeingMoved.js';
import { sourceMailboxUnderQuota } from '../rules/sourceMailboxUnderQuota.js';
import { recoverableItemsQuota } from '../rules/recoverableItemsQuota.js';
// OneDrive (ODSP)
import { spoFeatureEnabled } from '../rules/spoFeatureEnabled.js';
import { spoHostUrl, spoTrustEstablished, spoTrustDormancy } from '../rules/spoTrust.js';
import { spoCompatibility } from '../rules/spoCompatibility.js';
import { spoCustomerKey } from '../rules/spoCustomerKey.js';
import { odspTargetUserExists, odspTargetUserSpoEnabled, odspTargetUpnValid } from '../rules/odspTargetUser.js';
import { odspIdentityMapEntry, odspIdentityMapMatches } from '../rules/odspIdentityMap.js';
import { odspLicense } from '../rules/odspLicense.js';
import { sourceOneDriveExists, sourceOneDriveNotMoved } from '../rules/sourceOneDrive.js';
import { sourceOneDriveReadWrite, oneDriveSizeLimit, oneDriveItemLimit, odspQueueCapacity } from '../rules/oneDriveMoveJobCreation.js';
import { targetOneDriveNotProvisioned } from '../rules/targetOneDriveNotProvisioned.js';
import { oneDrivePathLength } from '../rules/oneDrivePathLength.js';
// Teams chats
import { teamsAppProvisioned } from '../rules/teamsAppProvisioned.js';
import { teamsFederation } from '../rules/teamsFederation.js';
import { teamsTargetUserExists, teamsIdentityMapped, teamsIdentityConflict, teamsScopeAuthorized } from '../rules/teamsUser.js';
import {
  teamsLicenseSource, teamsLicenseTarget, meetingExchangeLicenseSource, meetingExchangeLicenseTarget,
  meetingTeamsLicenseSource, meetingTeamsLicenseTarget,
} from '../rules/licenseOnBothSides.js';
// Teams meetings
import {
  mmsAppProvisionedSource, mmsAppProvisionedTarget, mmsCalendarRbac, autoForwardingSource, autoForwardingTarget,
  mmsExchangeAdminSource, mmsExchangeAdminTarget,
} from '../rules/mmsTenantSetup.js';
import { meetingIdentityMapped, meetingExchangeSelected } from '../rules/meetingUser.js';

export const RULES: readonly Rule[] = [
  identityMappingFound,
  identityMappingCompleted,
  userNotDuplicateInBatch,
  userNotInOtherBatch,
  sameCloud,
  ctmsAppProvisioned,

  migrationAppRegisteredInTarget,
  migrationAppOwnedByTarget,
  migrationAppPermissionInTarget,
  migrationAppRegisteredInSource,
  migrationAppConsentedInSource,
  targetOrgRelExists,
  targetOrgRelEnabled,
  targetOrgRelMailboxMoveEnabled,
  targetOrgRelCapability,
  sourceOrgRelExists,
  sourceOrgRelEnabled,
  sourceOrgRelMailboxMoveEnabled,
  sourceOrgRelCapability,
  sourceOrgRelOAuthApp,
  sourceOrgRelPublishedScopes,
  sourceOrgRelScopeGroup,
  migrationEndpointExists,
  migrationEndpointType,
  migrationEndpointRemoteTenant,
  migrationEndpointApplicationId,
  migrationEndpointIsRemote,
  noSharedDomains,

  targetRecipientExists,
  targetIsMailUser,
  targetNoPreviousMailbox,
  sourceMailboxExists,
  mailboxInMigrationScope,
  sourceMailboxNoHolds,
  archiveSubstrateHoldsEmpty,
  crossTenantLicense,
  auxArchiveLimit,
  exchangeGuidMatches,
  archiveGuidMatches,
  targetHasNoExtraArchive,
  legacyExchangeDnX500,
  sourceX500Addresses,
  targetPrimarySmtpAccepted,
  targetProxyAddressesAccepted,
  externalEmailAddressMatches,
  targetDeliveryDomainAddress,
  sourceMailboxNotBeingMoved,
  sourceMailboxUnderQuota,
  recoverableItemsQuota,

  spoFeatureEnabled,
  spoHostUrl,
  spoTrustEstablished,
  spoTrustDormancy,
  spoCompatibility,
  spoCustomerKey,
  odspTargetUserExists,
  odspTargetUserSpoEnabled,
  odspTargetUpnValid,
  odspIdentityMapEntry,
  odspIdentityMapMatches,
  odspLicense,
  sourceOneDriveExists,
  sourceOneDriveNotMoved,
  sourceOneDriveReadWrite,
  targetOneDriveNotProvisioned,
  oneDrivePathLength,
  oneDriveSizeLimit,
  oneDriveItemLimit,
  odspQueueCapacity,

  teamsAppProvisioned,
  teamsFederation,
  teamsTargetUserExists,
  teamsIdentityMapped,
  teamsIdentityConflict,
  teamsScopeAuthorized,
  teamsLicenseSource,
  teamsLicenseTarget,

  mmsAppProvisionedSource,
  mmsAppProvisionedTarget,
  mmsCalendarRbac,
  autoForwardingSource,
  autoForwardingTarget,
  mmsExchangeAdminSource,
  mmsExchangeAdminTarget,
  meetingIdentityMapped,
  meetingExchangeSelected,
  meetingExchangeLicenseSource,
  meetingExchangeLicenseTarget,
  meetingTeamsLicenseSource,
  meetingTeamsLicenseTarget,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
