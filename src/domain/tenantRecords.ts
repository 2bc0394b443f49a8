// The stored form of each object, as readers return it and as normalize() produces it: every default
// filled in, references resolved to object ids. A record is also a valid input object (round trip).
import type { AppPermission, DirectoryRoleName, GroupType, IdentityMappingState, MailboxHolds, SiteKind, SiteState, TenantSettings } from './tenantVocabulary.js';
import type { MigrationFaultKind } from './migrationFaultKinds.js';

/** A domain of the tenant; which one is initial / default is on the tenant record. */
export interface DomainRecord {
  name: string;
  isVerified: boolean;
  acceptedDomainType: 'Authoritative' | 'InternalRelay' | 'ExternalRelay';
}

export interface TenantRecord {
  id: string;
  displayName: string;
  initialDomain: string;
  defaultDomain: string;
  domains: DomainRecord[];
  cloud: 'Global' | 'USGov' | 'USGovHigh' | 'DoD' | 'China';
  mySiteHost: string;
  rootSiteHost: string;
  settings: TenantSettings;
  createdDateTime: string;
}

export interface RecipientRecord {
  recipientTypeDetails: string;
  alias: string;
  primarySmtpAddress: string;
  emailAddresses: string[];
  externalEmailAddress: string | null;
  exchangeGuid: string | null;
  archiveGuid: string | null;
  auxArchiveCount: number;
  legacyExchangeDn: string;
  holds: MailboxHolds;
  mailboxSizeBytes: number;
  recoverableItemsSizeBytes: number;
  prohibitSendReceiveQuotaBytes: number;
  recoverableItemsQuotaBytes: number;
  previousRecipientTypeDetails: string | null;
  mailboxMoveRemoteHostName: string | null;
}

export interface UserRecord {
  tenantId: string;
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  licenses: string[];
  directoryRoles: DirectoryRoleName[];
  /** Exactly one of mailbox / mailUser, or neither. */
  mailbox?: RecipientRecord;
  mailUser?: RecipientRecord;
  createdDateTime: string;
}

export interface GroupRecord {
  tenantId: string;
  id: string;
  displayName: string;
  groupType: GroupType;
  mailNickname: string;
  mail: string | null;
  /** Member object ids (users or groups). */
  members: string[];
  createdDateTime: string;
}

export interface StoredSecret { keyId: string; displayName: string; hint: string; sha256: string }

export interface ApplicationRecord {
  appId: string;
  ownerTenantId: string;
  displayName: string;
  signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
  requiredPermissions: Required<AppPermission>[];
  secrets: StoredSecret[];
  createdDateTime: string;
}

export interface ServicePrincipalRecord {
  tenantId: string;
  appId: string;
  displayName: string;
  grantedPermissions: Required<AppPermission>[];
  directoryRoles: DirectoryRoleName[];
  createdDateTime: string;
}

export interface OrganizationRelationshipRecord {
  tenantId: string;
  id: string;
  name: string;
  enabled: boolean;
  mailboxMoveEnabled: boolean;
  mailboxMoveCapability: ('Inbound' | 'Outbound' | 'RemoteInbound' | 'RemoteOutbound')[];
  domainNames: string[];
  oauthApplicationId: string | null;
  /** Scope group object ids. */
  mailboxMovePublishedScopes: string[];
  createdDateTime: string;
}

export interface MigrationEndpointRecord {
  tenantId: string;
  name: string;
  endpointType: 'ExchangeRemoteMove';
  remoteServer: string;
  remoteTenant: string;
  applicationId: string;
  isRemote: boolean;
  createdDateTime: string;
}

export interface SpoRelationshipRecord {
  tenantId: string;
  partnerHostUrl: string;
  scenario: 'MnA' | 'None';
  partnerRole: 'Source' | 'Target' | 'None';
  createdDateTime: string;
}

export interface SiteRecord {
  tenantId: string;
  id: string;
  kind: SiteKind;
  url: string;
  title: string;
  template: string;
  ownerUserId: string | null;
  groupId: string | null;
  state: SiteState;
  redirectUrl: string | null;
  storageQuotaBytes: number;
  createdDateTime: string;
}

export interface IdentityMappingRecord {
  targetTenantId: string;
  sourceTenantId: string;
  sourceUserId: string;
  targetUserId: string | null;
  state: IdentityMappingState;
  updatedDateTime: string;
}

export interface SpoUserMappingRecord {
  tenantId: string;
  id: string;
  sourceOrganizationId: string;
  sourceUserPrincipalName: string;
  targetUserPrincipalName: string;
  targetEmail: string | null;
  userType: 'none' | 'regularUser' | 'adminUser' | 'guestUser';
  updatedDateTime: string;
}

export interface SpoGroupMappingRecord {
  tenantId: string;
  id: string;
  sourceOrganizationId: string;
  sourceGroupId: string;
  targetGroupId: string;
  targetMailNickname: string | null;
  groupType: 'none' | 'regularGroup' | 'm365Group';
  updatedDateTime: string;
}

export interface DriveItemVersion { label: string; sizeBytes: number; contentHash: string | null; modifiedDateTime: string }

export interface DriveItemRecord {
  id: string;
  parentId: string | null;
  name: string;
  path: string;
  isFolder: boolean;
  sizeBytes: number;
  contentHash: string | null;
  versions: DriveItemVersion[];
  createdBy: string | null; // user id
  modifiedDateTime: string;
}

export interface SitePermissionRecord {
  itemId: string; // '' = the site itself
  principalType: 'user' | 'group' | 'link';
  principalId: string; // object id or link id
  role: 'read' | 'write' | 'owner';
  linkScope: 'anonymous' | 'organization' | 'users' | null;
}

export interface ChatRecord {
  tenantId: string;
  id: string;
  chatType: 'oneOnOne' | 'group' | 'meeting';
  topic: string | null;
  createdBy: string | null;
  createdDateTime: string;
  migratedTo: string | null;
  members: string[]; // user ids
}

export interface ChatMessageRecord { id: string; fromUserId: string | null; body: string; messageType: 'message' | 'systemEventMessage'; createdDateTime: string }

export interface MeetingRecord {
  tenantId: string;
  id: string;
  organizerId: string;
  subject: string;
  startDateTime: string;
  endDateTime: string;
  lastOccurrenceDateTime: string;
  isRecurring: boolean;
  attendees: string[]; // user ids or external addresses
  attendeeCount: number;
  meetingKind: 'meeting' | 'channelMeeting' | 'liveEvent' | 'webinar' | 'townhall';
  isCancelled: boolean;
  sensitivity: 'normal' | 'confidential' | 'highlyConfidential';
  calendar: 'default' | 'other';
  organizedByResource: boolean;
  joinUrl: string;
}

/** A migration fault with its defaults filled in (tenants/inputSchemas.faults.ts). */
export interface MigrationFaultRecord {
  tenantId: string;
  userId: string;
  workload: 'Exchange' | 'ODSP' | 'Teams' | 'Meeting';
  kind: MigrationFaultKind;
  params: MigrationFaultParams;
}

export interface MigrationFaultParams {
  count?: number;
  throughputPercent?: number;
  message?: string;
  afterPass?: number;
  hold?: 'litigationHold' | 'inPlaceHold' | 'delayHold' | 'complianceTagHold';
  added?: number;
  changed?: number;
  deleted?: number;
}

// ---- the natural keys the directory index holds (tenants/directoryIndex.ts), never the content ----

export interface UserKey { id: string; upn: string; recipientType: string | null; addresses: string[] }
export interface GroupKey { id: string; displayName: string; mailNickname: string; mail: string | null; groupType: GroupType }
export interface AppKey { appId: string; ownerTenantId: string; displayName: string; signInAudience: string; requiredPermissions: AppPermission[] }
export interface SiteKey { id: string; urlKey: string; kind: string; ownerUserId: string | null }
export interface OrgRelKey { id: string; name: string }
