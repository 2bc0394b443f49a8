// Shared vocabulary of the modelled tenants: the JSON shapes stored in tenant settings, holds and
// licences, named after the Exchange / SharePoint / Teams settings they stand for.

/** Licence SKU part numbers (users.licenses). */
export const Licenses = {
  crossTenantUserDataMigration: 'CROSS_TENANT_USER_DATA_MIGRATION', // "Cross Tenant User Data Migration" add-on
  exchangeOnline: 'EXCHANGE_S_ENTERPRISE', // Exchange Online (Plan 2)
  exchangeOnlinePlan1: 'EXCHANGE_S_STANDARD',
  teams: 'TEAMS1',
  sharePoint: 'SHAREPOINTENTERPRISE',
} as const;
export const EXCHANGE_PLANS: readonly string[] = [Licenses.exchangeOnline, Licenses.exchangeOnlinePlan1];

/** Directory role display names (users.directory_roles) and their template ids (token `wids`). */
export const DirectoryRoles = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Microsoft 365 Migration Administrator': '8c8b803f-96e1-4129-9349-20738d9f9652',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'SharePoint Administrator': 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  'Teams Administrator': '69091246-20e8-4a56-aa4d-066075b2a7a8',
} as const;
export type DirectoryRoleName = keyof typeof DirectoryRoles;

/** Well-known first-party apps the orchestrator needs (ids are xtm's fixed stand-ins). */
export const FirstPartyApps = {
  crossTenantMigrationService: { appId: '1ee4a4d5-5e2b-4f7c-9b6a-0c6f1d3e2a01', name: 'Cross Tenant Migration Service (CTMS)' },
  teamsChatMigration: { appId: '2ee4a4d5-5e2b-4f7c-9b6a-0c6f1d3e2a02', name: 'Teams Cross Tenant Chat Migration (CTTM)' },
  meetingMigrationService: { appId: '3ee4a4d5-5e2b-4f7c-9b6a-0c6f1d3e2a03', name: 'Meeting Migration Service (MMS)' },
} as const;

/** Graph / Exchange resource names used in app permissions. */
export const Resources = { graph: 'Microsoft Graph', exchange: 'Office 365 Exchange Online', sharePoint: 'Office 365 SharePoint Online' } as const;
export interface AppPermission { resource: string; value: string; type?: 'Application' | 'Delegated' }

/** Holds on a source mailbox (recipients.holds). Any hold blocks a cross-tenant move. */
export interface MailboxHolds {
  litigationHoldEnabled: boolean;
  delayHoldApplied: boolean;
  delayReleaseHoldApplied: boolean;
  complianceTagHoldApplied: boolean;
  inPlaceHolds: string[]; // e.g. "mbx…", "cld…", "UniH…", "skp…"
  orgHold: boolean; // org-wide retention policy seen in HoldTracking
  substrateHoldItems: number; // items in the archive's SubstrateHolds folder
}
export const NO_HOLDS: MailboxHolds = {
  litigationHoldEnabled: false,
  delayHoldApplied: false,
  delayReleaseHoldApplied: false,
  complianceTagHoldApplied: false,
  inPlaceHolds: [],
  orgHold: false,
  substrateHoldItems: 0,
};

export type SpoCompatibility = 'Compatible' | 'Warning' | 'Incompatible';

/** Per-tenant configuration that the real service keeps in Exchange / SPO / Teams settings (tenants.settings). */
export interface TenantSettings {
  exchange: {
    organizationCustomizationEnabled: boolean; // Enable-OrganizationCustomization
    autoForwardingMode: 'On' | 'Off' | 'Automatic'; // default outbound spam policy (Enable-AutoForwardingMode)
    calendarRbacRolesAssigned: boolean; // Set-CalendarRBACRoles (target, for MMS)
  };
  sharePoint: {
    crossTenantMoveFeatureEnabled: boolean; // FeatureIsNotEnabled when false
    compatibility: SpoCompatibility; // Get-SPOCrossTenantCompatibilityStatus (as seen from this tenant)
    customerKeyEnabled: boolean; // MnABYOKEnabledOnSourceTenant
    queuedMoves: number; // moves already queued on this instance (limit 4,000)
  };
  teams: {
    allowFederatedUsers: boolean; // Set-CsTenantFederationConfiguration -AllowFederatedUsers
    chatMigrationAppProvisioned: boolean; // Grant-CTTMAppPermissions
    meetingMigrationAppProvisioned: boolean; // Grant-MMSAppPermissions
    meetingMigrationAppExchangeAdmin: boolean; // MMS app holds the Exchange Administrator role
  };
  orchestrator: {
    ctmsAppProvisioned: boolean; // Cross Tenant Migration Service app (CTM-104)
  };
}

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  exchange: { organizationCustomizationEnabled: true, autoForwardingMode: 'On', calendarRbacRolesAssigned: true },
  sharePoint: { crossTenantMoveFeatureEnabled: true, compatibility: 'Compatible', customerKeyEnabled: false, queuedMoves: 0 },
  teams: { allowFederatedUsers: true, chatMigrationAppProvisioned: true, meetingMigrationAppProvisioned: true, meetingMigrationAppExchangeAdmin: true },
  orchestrator: { ctmsAppProvisioned: true },
};

export type RecipientType = 'UserMailbox' | 'MailUser';
export type IdentityMappingState = 'Unmapped' | 'Mapped' | 'Completed';
export type SiteKind = 'OneDrive' | 'Site' | 'GroupSite' | 'Redirect';
export type SiteState = 'ReadWrite' | 'ReadOnly' | 'NoAccess';

/** Well-known mail folders created for every mailbox; `recoverable` ones are Recoverable Items. */
export const WELL_KNOWN_FOLDERS = [
  { name: 'inbox', displayName: 'Inbox', recoverable: false },
  { name: 'sentitems', displayName: 'Sent Items', recoverable: false },
  { name: 'drafts', displayName: 'Drafts', recoverable: false },
  { name: 'deleteditems', displayName: 'Deleted Items', recoverable: false },
  { name: 'outbox', displayName: 'Outbox', recoverable: false },
  { name: 'archive', displayName: 'Archive', recoverable: false },
  { name: 'calendar', displayName: 'Calendar', recoverable: false },
  { name: 'contacts', displayName: 'Contacts', recoverable: false },
  { name: 'tasks', displayName: 'Tasks', recoverable: false },
  { name: 'teamchat', displayName: 'TeamsMessagesData', recoverable: false },
  { name: 'recoverableitemsdeletions', displayName: 'Deletions', recoverable: true },
  { name: 'recoverableitemsversions', displayName: 'Versions', recoverable: true },
  { name: 'recoverableitemspurges', displayName: 'Purges', recoverable: true },
] as const;

export const GiB = 1024 ** 3;
export const DEFAULT_QUOTAS = {
  prohibitSendReceiveQuotaBytes: 100 * GiB,
  recoverableItemsQuotaBytes: 30 * GiB,
  oneDriveStorageQuotaBytes: 1024 * GiB,
} as const;

/** Stored settings: the defaults with whatever a tenant (or an older row) states on top, section by section. */
export type TenantSettingsPatch = { [S in keyof TenantSettings]?: Partial<TenantSettings[S]> };
export function mergeSettings(partial: TenantSettingsPatch | undefined): TenantSettings {
  const d = DEFAULT_TENANT_SETTINGS;
  return {
    exchange: { ...d.exchange, ...partial?.exchange },
    sharePoint: { ...d.sharePoint, ...partial?.sharePoint },
    teams: { ...d.teams, ...partial?.teams },
    orchestrator: { ...d.orchestrator, ...partial?.orchestrator },
  };
}

// Enumerations of the modelled objects (the input schemas and the records share them).
export const Clouds = ['Global', 'USGov', 'USGovHigh', 'DoD', 'China'] as const;
export const AcceptedDomainTypes = ['Authoritative', 'InternalRelay', 'ExternalRelay'] as const;
export const GroupTypes = ['Security', 'MailEnabledSecurity', 'Microsoft365', 'Distribution'] as const;
export type GroupType = (typeof GroupTypes)[number];
export const MailboxMoveCapabilities = ['Inbound', 'Outbound', 'RemoteInbound', 'RemoteOutbound'] as const;
export const IdentityMappingStates = ['Unmapped', 'Mapped', 'Completed'] as const;
export const SpoUserTypes = ['none', 'regularUser', 'adminUser', 'guestUser'] as const;
export const SpoGroupTypes = ['none', 'regularGroup', 'm365Group'] as const;
export const DirectoryRoleNames = Object.keys(DirectoryRoles) as DirectoryRoleName[];

/** A group's type from Graph's groupTypes / mailEnabled / securityEnabled (as the groups table stores them). */
export function groupTypeOf(groupTypes: string[], mailEnabled: boolean, securityEnabled: boolean): GroupType {
  if (groupTypes.includes('Unified')) return 'Microsoft365';
  if (securityEnabled) return mailEnabled ? 'MailEnabledSecurity' : 'Security';
  return 'Distribution';
}
