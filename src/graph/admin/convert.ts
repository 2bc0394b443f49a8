// Stored records → input objects, so an update can read the current object, change a few fields and
// send the whole object back through applyTenantChanges (which creates or replaces by natural key).
import type { PermissionsTable, DriveItemsTable } from '../../store/schema.js';
import type { DriveItemInput, GroupInput, MigrationEndpointInput, OrganizationRelationshipInput, RecipientInput, SiteInput, SitePermissionInput, TenantInput, UserInput } from '../../tenants/inputSchemas.js';
import type {
  GroupRecord, MigrationEndpointRecord, OrganizationRelationshipRecord, RecipientRecord, SiteRecord, TenantRecord, UserRecord,
} from '../../domain/tenantRecords.js';

export function tenantToInput(t: TenantRecord): TenantInput {
  return {
    id: t.id,
    displayName: t.displayName,
    initialDomain: t.initialDomain,
    defaultDomain: t.defaultDomain,
    domains: t.domains.filter((d) => d.name !== t.initialDomain).map((d) => ({ name: d.name, isVerified: d.isVerified, acceptedDomainType: d.acceptedDomainType })),
    cloud: t.cloud,
    mySiteHost: t.mySiteHost,
    rootSiteHost: t.rootSiteHost,
    settings: t.settings,
    createdDateTime: t.createdDateTime,
  };
}

export function recipientToInput(r: RecipientRecord): RecipientInput {
  return {
    alias: r.alias,
    recipientTypeDetails: r.recipientTypeDetails,
    primarySmtpAddress: r.primarySmtpAddress,
    emailAddresses: [...r.emailAddresses],
    externalEmailAddress: r.externalEmailAddress,
    exchangeGuid: r.exchangeGuid,
    archiveGuid: r.archiveGuid,
    auxArchiveCount: r.auxArchiveCount,
    legacyExchangeDn: r.legacyExchangeDn,
    holds: { ...r.holds, inPlaceHolds: [...r.holds.inPlaceHolds] },
    mailboxSizeBytes: r.mailboxSizeBytes,
    recoverableItemsSizeBytes: r.recoverableItemsSizeBytes,
    prohibitSendReceiveQuotaBytes: r.prohibitSendReceiveQuotaBytes,
    recoverableItemsQuotaBytes: r.recoverableItemsQuotaBytes,
    previousRecipientTypeDetails: r.previousRecipientTypeDetails,
    mailboxMoveRemoteHostName: r.mailboxMoveRemoteHostName,
  };
}

export function userToInput(u: UserRecord): UserInput {
  const out: UserInput = {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    mail: u.mail,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    licenses: [...u.licenses],
    directoryRoles: [...u.directoryRoles],
    createdDateTime: u.createdDateTime,
  };
  if (u.mailbox) out.mailbox = recipientToInput(u.mailbox);
  if (u.mailUser) out.mailUser = recipientToInput(u.mailUser);
  return out;
}

export function groupToInput(g: GroupRecord): GroupInput {
  return { id: g.id, displayName: g.displayName, groupType: g.groupType, mailNickname: g.mailNickname, mail: g.mail, members: [...g.members], createdDateTime: g.createdDateTime };
}

export function orgRelToInput(o: OrganizationRelationshipRecord): OrganizationRelationshipInput {
  return {
    id: o.id, name: o.name, enabled: o.enabled, mailboxMoveEnabled: o.mailboxMoveEnabled, mailboxMoveCapability: [...o.mailboxMoveCapability],
    domainNames: [...o.domainNames], oauthApplicationId: o.oauthApplicationId, mailboxMovePublishedScopes: [...o.mailboxMovePublishedScopes],
    createdDateTime: o.createdDateTime,
  };
}

export function endpointToInput(e: MigrationEndpointRecord): MigrationEndpointInput {
  return {
    name: e.name, endpointType: e.endpointType, remoteServer: e.remoteServer, remoteTenant: e.remoteTenant, applicationId: e.applicationId,
    isRemote: e.isRemote, createdDateTime: e.createdDateTime,
  };
}

export function permissionToInput(p: Pick<PermissionsTable, 'principal_type' | 'principal_id' | 'role' | 'link_scope'>): SitePermissionInput {
  const role = p.role as SitePermissionInput['role'];
  if (p.principal_type === 'link') return { link: (p.link_scope ?? 'organization') as NonNullable<SitePermissionInput['link']>, linkId: p.principal_id, role };
  return { principal: p.principal_id, role };
}

/** A site without `items` keeps its stored files; its site-level permissions are the ones given. */
export function siteToInput(s: SiteRecord, sitePermissions: PermissionsTable[]): SiteInput {
  const out: SiteInput = {
    id: s.id, kind: s.kind, url: s.url, title: s.title, template: s.template, state: s.state, redirectUrl: s.redirectUrl,
    storageQuotaBytes: s.storageQuotaBytes, createdDateTime: s.createdDateTime,
    // The OneDrive owner's permission is added back by the model.
    permissions: sitePermissions.filter((p) => !(s.kind === 'OneDrive' && p.principal_type === 'user' && p.principal_id === s.ownerUserId && p.role === 'owner')).map(permissionToInput),
  };
  if (s.ownerUserId) out.owner = s.ownerUserId;
  if (s.groupId) out.group = s.groupId;
  return out;
}

/** Explicit rows only: folders the model created implicitly come back as explicit folders (same ids). */
export function driveItemToInput(r: DriveItemsTable, itemPermissions: PermissionsTable[]): DriveItemInput {
  const versions = JSON.parse(r.versions) as { label: string; sizeBytes: number; modifiedAt: string }[];
  const out: DriveItemInput = {
    id: r.id, path: r.path, folder: r.is_folder === 1, modifiedDateTime: r.modified_at,
    versions: versions.map((v) => ({ label: v.label, sizeBytes: Number(v.sizeBytes), modifiedDateTime: v.modifiedAt })),
  };
  if (r.is_folder !== 1) out.sizeBytes = Number(r.size_bytes);
  if (r.created_by) out.createdBy = r.created_by;
  if (itemPermissions.length) out.permissions = itemPermissions.map(permissionToInput);
  return out;
}
