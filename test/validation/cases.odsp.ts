// Cases for OneDrive (ODSP): SharePoint trust and tenant flags, then rule 31's per-user checks.
import type { Cases, Expectation } from './harness.js';
import { u } from './harness.js';
import { NOW, TGT, targetId } from './fixture.js';
import { Licenses } from '../../src/domain/tenantVocabulary.js';

const odsp = (n: number | undefined, code: string, message: string): Expectation[] =>
  [{ users: n === undefined ? undefined : [n], workload: 'ODSP', errors: [[code, message]] }];
const DAY = 24 * 3600 * 1000;
const JOB_FAILED = (objectId: string, error: string) =>
  `The Cross-Tenant content move job creation for the source object id [${objectId}] has failed. Error: [${error}]`;
const OD2 = 'https://contoso-my.sharepoint.com/personal/user2_contoso_com';

export const odspCases: Cases = {
  spoFeatureEnabled: {
    mutate: (f) => { f.ctx.target.settings.sharePoint.crossTenantMoveFeatureEnabled = false; },
    expect: odsp(undefined, 'FeatureIsNotEnabled', 'The Cross-Tenant content move [MnAUserMove] feature is not enabled for this tenant.'),
  },
  spoHostUrl: {
    mutate: (f) => { f.ctx.source.spoRelationships[0]!.partnerHostUrl = 'https://fabrikam.sharepoint.com'; },
    expect: odsp(undefined, 'MnAFatalErrorAdminSiteCouldNotBeUsedAsMySiteHost', 'Cross-tenant moves are blocked because the TargetCrossTenantHostUrl value is incorrect.'),
  },
  spoTrustEstablished: {
    mutate: (f) => { f.ctx.target.spoRelationships = []; },
    expect: odsp(undefined, 'MnATrustNoSetupForPartner', 'There is no Cross-Tenant relationship established for partner [https://contoso-my.sharepoint.com].'),
  },
  spoTrustDormancy: {
    mutate: (f) => { f.ctx.target.spoRelationships[0]!.createdAt = new Date(NOW - 2 * DAY).toISOString(); },
    expect: odsp(undefined, 'MnATrustNoSetupForPartner',
      'There is no Cross-Tenant relationship established for partner [https://fabrikam-my.sharepoint.com]. Verify-SPOCrossTenantRelationship reports [DormantByPartner]: the trust was set up at 2026-05-30T00:00:00.000Z and can be used after the seven-day waiting period, at 2026-06-06T00:00:00.000Z.'),
  },
  spoCompatibility: {
    mutate: (f) => { f.ctx.source.settings.sharePoint.compatibility = 'Incompatible'; },
    expect: odsp(undefined, 'MnAPartnersFarmsAreIncompatible', 'Please verify the compatibility status before running the migration. In case of incompatible tenants, we recommend waiting for a minimum of 48 hours.'),
  },
  spoCustomerKey: {
    mutate: (f) => { f.ctx.source.settings.sharePoint.customerKeyEnabled = true; },
    expect: odsp(undefined, 'MnABYOKEnabledOnSourceTenant', "Blocking Cross-Tenant moves because 'Bring Your Own Key' (BYOK) is enabled for the Source tenant."),
  },
  odspTargetUserExists: {
    mutate: (f) => { u(f, 2).targetUser = null; },
    expect: [
      ...odsp(2, 'MnATargetUserDoesNotExist', 'Target user [user2@fabrikam.com] does not exist on the target side.'),
      { users: [2], workload: 'Teams', errors: [['CTTM-015', `Teams migration for user ${targetId(2)} failed. The user ${targetId(2)} in tenant ${TGT} does not exist. Check the user Id and retry migration.`]] },
    ],
  },
  odspTargetUserSpoEnabled: {
    mutate: (f) => { u(f, 2).targetUser!.licenses = u(f, 2).targetUser!.licenses.filter((l) => l !== Licenses.sharePoint); },
    expect: odsp(2, 'MnATargetUserIsNotSpoEnabled', 'Target user [user2@fabrikam.com] is not allowed to have any SharePoint resources, including OneDrive.'),
  },
  odspTargetUpnValid: {
    mutate: (f) => { u(f, 2).targetUser!.userPrincipalName = "o'neil@fabrikam.com"; u(f, 2).spoMapping!.targetUpn = "o'neil@fabrikam.com"; },
    expect: odsp(2, 'MnATargetUpnIsInvalid', "The target UPN 'o'neil@fabrikam.com' is invalid. Please correct this issue and try again."),
  },
  odspIdentityMapEntry: {
    mutate: (f) => { u(f, 2).spoMapping = null; },
    expect: odsp(2, 'MnAIdentityMapEntryDoesNotExistsForSourceUPN', 'Identity map entry for source UPN [user2@contoso.com] does not exist on the target tenant.'),
  },
  odspIdentityMapMatches: {
    mutate: (f) => { u(f, 2).spoMapping!.targetUpn = 'someone.else@fabrikam.com'; },
    expect: odsp(2, 'MnAIdentityMapEntryDoesNotMatchRequest', "The identity map entry for source UPN [user2@contoso.com] doesn't correspond to the requested target UPN [user2@fabrikam.com]."),
  },
  odspLicense: {
    workloads: ['ODSP'], // the same licence gap also fails the Exchange move (crossTenantLicense)
    mutate: (f) => { u(f, 2).sourceUser!.licenses = []; },
    expect: odsp(2, 'MnAOdbUsersAreNotLicensed', 'Neither source UPN [user2@contoso.com], nor target UPN [user2@fabrikam.com] are licensed for Cross-tenant OneDrive migration.'),
  },
  sourceOneDriveExists: {
    mutate: (f) => { u(f, 2).sourceOneDrive = null; },
    expect: odsp(2, 'MnAOdbForSourceUPNDoesNotExist', 'OneDrive site for source user UPN [user2@contoso.com] does not exist.'),
  },
  sourceOneDriveNotMoved: {
    mutate: (f) => { u(f, 2).sourceOneDrive!.kind = 'Redirect'; },
    expect: odsp(2, 'MnASiteMoveIsInprogressOrFinished', `Failed to initiate cross-tenant move because another move job for the same source URL [${OD2}] is already in progress or has finished.`),
  },
  sourceOneDriveReadWrite: {
    mutate: (f) => { u(f, 2).sourceOneDrive!.state = 'ReadOnly'; },
    expect: odsp(2, 'MnAMoveJobCreationFailed', JOB_FAILED('site-2', `The source OneDrive ${OD2} is ReadOnly; it must be ReadWrite.`)),
  },
  targetOneDriveNotProvisioned: {
    mutate: (f) => { u(f, 2).targetOneDriveUrl = 'https://fabrikam-my.sharepoint.com/personal/user2_fabrikam_com'; },
    expect: odsp(2, 'MnASiteMoveTargetUrlHasWriteConflict', 'The target tenant has a conflict for the site provided. Check whether site with url from the TargetSiteUrl property of this job already exists on the target.'),
  },
  oneDrivePathLength: {
    mutate: (f) => { u(f, 2).sourceOneDrive!.longestPathLength = 340; },
    expect: odsp(2, 'MnATargetUrlNotValidForRename', `For site Source url '${OD2}', target url 'https://fabrikam-my.sharepoint.com/personal/user2_fabrikam_com', including files and folders, exceeds the character limit of the destination.`),
  },
  oneDriveSizeLimit: {
    mutate: (f) => { u(f, 2).sourceOneDrive!.totalBytes = 6 * 1024 ** 4; },
    expect: odsp(2, 'MnAMoveJobCreationFailed', JOB_FAILED('site-2', `The source OneDrive ${OD2} holds 6597069766656 bytes including versions; the limit is 5 TB.`)),
  },
  oneDriveItemLimit: {
    mutate: (f) => { u(f, 2).sourceOneDrive!.itemCount = 1_000_001; },
    expect: odsp(2, 'MnAMoveJobCreationFailed', JOB_FAILED('site-2', `The source OneDrive ${OD2} holds 1000001 items including versions; the limit is 1000000.`)),
  },
  odspQueueCapacity: {
    mutate: (f) => { f.ctx.source.settings.sharePoint.queuedMoves = 4000; },
    expect: [{
      workload: 'ODSP',
      errors: (n) => [['MnAMoveJobCreationFailed', JOB_FAILED(`site-${n}`, 'The source instance already has 4000 moves scheduled or pending; the limit is 4000.')]],
    }],
  },
};
