// TypeBox schemas of every modelled object, as written in scenario files and sent to the admin API.
// They are the one source of validation and of the input types. Property names follow the Exchange /
// Graph / SharePoint property each field stands for, in camelCase. Content objects (mail items, files,
// chats, meetings) are in inputSchemas.content.ts.
import { Type, type Static } from 'typebox';
import { MailFolderInput, MailItemInput } from './inputSchemas.content.js';
import { AcceptedDomainTypes, Clouds, DirectoryRoleNames, GroupTypes, IdentityMappingStates, MailboxMoveCapabilities, SpoGroupTypes, SpoUserTypes } from '../domain/tenantVocabulary.js';
import { Bytes, DateTime, DomainName, Guid, HttpsUrl, Obj, Opt, Ref, SmtpAddress, Text, Toggle, Upn } from './inputSchemas.fields.js';

export * from './inputSchemas.fields.js';
export * from './inputSchemas.content.js';

// ---- directory -------------------------------------------------------------------------------
export const DomainInput = Obj({
  name: DomainName('Domain name, e.g. contoso.com.'),
  isVerified: Opt(Type.Boolean({ description: 'Verified domains are accepted domains in Exchange and may be UPN suffixes; default true.' })),
  acceptedDomainType: Opt(Type.Enum(AcceptedDomainTypes, { description: 'Exchange accepted-domain type; default Authoritative.' })),
}, 'A domain registered in the tenant.');

export const TenantSettingsInput = Obj({
  exchange: Opt(Obj({
    organizationCustomizationEnabled: Toggle('Enable-OrganizationCustomization has run.'),
    autoForwardingMode: Opt(Type.Enum(['On', 'Off', 'Automatic'], { description: 'Default outbound spam policy AutoForwardingMode (MMS needs On).' })),
    calendarRbacRolesAssigned: Toggle('Set-CalendarRBACRoles has run (target, for meeting migration).'),
  }, 'Exchange Online organization settings.')),
  sharePoint: Opt(Obj({
    crossTenantMoveFeatureEnabled: Toggle('Cross-tenant content move feature flag (FeatureIsNotEnabled when false).'),
    compatibility: Opt(Type.Enum(['Compatible', 'Warning', 'Incompatible'], { description: 'Get-SPOCrossTenantCompatibilityStatus as seen from this tenant.' })),
    customerKeyEnabled: Toggle('Customer Key (BYOK) is enabled; blocks moves out of this tenant.'),
    queuedMoves: Opt(Type.Integer({ minimum: 0, description: 'Moves already queued on this SharePoint instance (limit 4,000).' })),
  }, 'SharePoint Online tenant settings.')),
  teams: Opt(Obj({
    allowFederatedUsers: Toggle('Set-CsTenantFederationConfiguration -AllowFederatedUsers.'),
    chatMigrationAppProvisioned: Toggle('Grant-CTTMAppPermissions has run.'),
    meetingMigrationAppProvisioned: Toggle('Grant-MMSAppPermissions has run.'),
    meetingMigrationAppExchangeAdmin: Toggle('The MMS app holds the Exchange Administrator role.'),
  }, 'Teams tenant settings.')),
  orchestrator: Opt(Obj({
    ctmsAppProvisioned: Toggle('The Cross Tenant Migration Service app is provisioned (CTM-104 when false).'),
  }, 'Migration orchestrator settings.')),
}, 'Tenant configuration; omitted values take the defaults of a correctly configured tenant.');

export const TenantInput = Obj({
  id: Guid('Tenant id (directory id).'),
  displayName: Text('Organization display name.'),
  initialDomain: DomainName('The initial <name>.onmicrosoft.com domain; always verified.'),
  defaultDomain: Opt(DomainName('Default domain for new users and groups; a verified domain; default initialDomain.')),
  domains: Opt(Type.Array(Type.Union([DomainName('A verified, authoritative domain.'), DomainInput]), { description: 'Further domains: a name (verified) or a domain object.' })),
  cloud: Opt(Type.Enum(Clouds, { description: 'Microsoft cloud instance; default Global.' })),
  mySiteHost: Opt(HttpsUrl('SharePoint my-site host, e.g. https://contoso-my.sharepoint.com (derived from initialDomain).')),
  rootSiteHost: Opt(HttpsUrl('SharePoint root site host, e.g. https://contoso.sharepoint.com (derived from initialDomain).')),
  settings: Opt(TenantSettingsInput),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'A Microsoft 365 tenant.');

export const HoldsInput = Obj({
  litigationHoldEnabled: Toggle('LitigationHoldEnabled.'),
  delayHoldApplied: Toggle('DelayHoldApplied.'),
  delayReleaseHoldApplied: Toggle('DelayReleaseHoldApplied.'),
  complianceTagHoldApplied: Toggle('ComplianceTagHoldApplied.'),
  inPlaceHolds: Opt(Type.Array(Type.String(), { description: 'InPlaceHolds entries, e.g. mbx…, cld…, UniH…, skp….' })),
  orgHold: Toggle('An org-wide retention policy applies (HoldTracking).'),
  substrateHoldItems: Opt(Type.Integer({ minimum: 0, description: 'Items in the archive SubstrateHolds folder.' })),
}, 'Holds on the mailbox; any hold blocks a cross-tenant move.');

export const RecipientInput = Obj({
  alias: Opt(Text('Exchange alias; default the UPN local part.')),
  recipientTypeDetails: Opt(Text('RecipientTypeDetails; default UserMailbox or MailUser.')),
  primarySmtpAddress: Opt(SmtpAddress('PrimarySmtpAddress; default the SMTP: entry of emailAddresses, else the user mail/UPN.')),
  emailAddresses: Opt(Type.Array(Type.String({ pattern: '^[A-Za-z0-9]+:.+$' }), { description: 'Proxy addresses with type prefix: SMTP: (primary), smtp:, X500:/x500:, x400:, sip:.' })),
  externalEmailAddress: Opt(Type.Union([Type.String({ pattern: '^([Ss][Mm][Tt][Pp]:)?[^@\\s:]+@[^@\\s]+$' }), Type.Null()], { description: 'ExternalEmailAddress (targetAddress) of a MailUser, e.g. SMTP:lara@contoso.com.' })),
  exchangeGuid: Opt(Type.Union([Guid('ExchangeGuid.'), Type.Null()], { description: 'ExchangeGuid; a mailbox gets a derived one by default.' })),
  archiveGuid: Opt(Type.Union([Guid('ArchiveGuid.'), Type.Null()], { description: 'ArchiveGuid of the main archive, or null (no archive).' })),
  auxArchiveCount: Opt(Type.Integer({ minimum: 0, description: 'Number of auxiliary archives (a move supports at most 12).' })),
  legacyExchangeDn: Opt(Type.String({ pattern: '^/o=', description: 'LegacyExchangeDN; default /o=ExchangeLabs/…/cn=Recipients/cn=<hex>-<alias>.' })),
  holds: Opt(HoldsInput),
  mailboxSizeBytes: Opt(Bytes('TotalItemSize; default the sum of the listed items.')),
  recoverableItemsSizeBytes: Opt(Bytes('Recoverable Items (dumpster) size; default the sum of listed recoverable items.')),
  prohibitSendReceiveQuotaBytes: Opt(Bytes('ProhibitSendReceiveQuota; default 100 GiB.')),
  recoverableItemsQuotaBytes: Opt(Bytes('RecoverableItemsQuota; default 30 GiB.')),
  previousRecipientTypeDetails: Opt(Type.Union([Type.String(), Type.Null()], { description: 'PreviousRecipientTypeDetails (a stale earlier mailbox shows here).' })),
  mailboxMoveRemoteHostName: Opt(Type.Union([Type.String(), Type.Null()], { description: 'MailboxMoveRemoteHostName (must be empty before a move).' })),
  folders: Opt(Type.Array(MailFolderInput, { description: 'Custom folders; the well-known folders always exist for a mailbox.' })),
  items: Opt(Type.Array(MailItemInput, { description: 'Mailbox items (mail, calendar, contacts, tasks, recoverable items).' })),
}, 'An Exchange recipient.');

export const UserInput = Obj({
  id: Opt(Guid('Object id (ExternalDirectoryObjectId); default derived from tenant and UPN.')),
  userPrincipalName: Upn('UserPrincipalName; its suffix must be a verified domain of the tenant; unique per tenant, case-insensitive.'),
  displayName: Opt(Text('Display name; default the UPN local part.')),
  mail: Opt(Type.Union([SmtpAddress('mail'), Type.Null()], { description: 'mail; equals the primary SMTP address when the user is a recipient.' })),
  accountEnabled: Toggle('accountEnabled; default true.'),
  userType: Opt(Type.Enum(['Member', 'Guest'], { description: 'userType; default Member.' })),
  licenses: Opt(Type.Array(Type.String({ minLength: 1 }), { description: 'Licence SKU part numbers, e.g. CROSS_TENANT_USER_DATA_MIGRATION, EXCHANGE_S_ENTERPRISE, TEAMS1, SHAREPOINTENTERPRISE.' })),
  directoryRoles: Opt(Type.Array(Type.Enum(DirectoryRoleNames), { description: 'Directory roles held by the user.' })),
  password: Opt(Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'Password for the local authority\'s password (ROPC) grant; never returned by the admin API.' })),
  mailbox: Opt(RecipientInput),
  mailUser: Opt(RecipientInput),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'A directory user, with an optional Exchange recipient (mailbox or mailUser).');

export const GroupInput = Obj({
  id: Opt(Guid('Object id; default derived from tenant and mailNickname.')),
  displayName: Text('Display name.'),
  groupType: Type.Enum(GroupTypes, { description: 'Security, MailEnabledSecurity, Microsoft365 (Unified) or Distribution.' }),
  mailNickname: Opt(Type.String({ pattern: '^[^\\s@]+$', description: 'mailNickname (alias); default derived from displayName.' })),
  mail: Opt(Type.Union([SmtpAddress('mail'), Type.Null()], { description: 'Primary SMTP address of a mail-enabled group; default <mailNickname>@<defaultDomain>.' })),
  members: Opt(Type.Array(Ref('A member: user UPN, user id or group id.'), { description: 'Direct members.' })),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'A directory group.');

export const PermissionInput = Obj({
  resource: Text('Resource application, e.g. "Microsoft Graph" or "Office 365 Exchange Online".'),
  value: Text('Permission value, e.g. Mailbox.Migration or CrossTenantContentMigration.ReadWrite.All.'),
  type: Opt(Type.Enum(['Application', 'Delegated'], { description: 'Permission type; default Application.' })),
}, 'An API permission.');

export const SecretInput = Obj({
  keyId: Opt(Guid('Secret key id; default derived.')),
  displayName: Opt(Type.String({ description: 'Secret description.' })),
  value: Opt(Text('The secret in clear (scenario files); stored as its SHA-256.')),
  sha256: Opt(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The stored SHA-256 (hex) of the secret; use instead of value.' })),
  hint: Opt(Type.String({ description: 'First characters of the secret, shown like Entra does.' })),
}, 'A client secret.');

export const ApplicationInput = Obj({
  appId: Guid('Application (client) id; unique across all tenants.'),
  displayName: Text('Display name.'),
  signInAudience: Opt(Type.Enum(['AzureADMyOrg', 'AzureADMultipleOrgs'], { description: 'AzureADMultipleOrgs (multitenant, the default) or AzureADMyOrg.' })),
  requiredPermissions: Opt(Type.Array(PermissionInput, { description: 'API permissions the app requests.' })),
  secrets: Opt(Type.Array(SecretInput, { description: 'Client secrets.' })),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'An app registration owned by the tenant it is listed under.');

export const ServicePrincipalInput = Obj({
  appId: Guid('Application id of a registered app or of a first-party app.'),
  displayName: Opt(Text('Display name; default the application name.')),
  grantedPermissions: Opt(Type.Array(PermissionInput, { description: 'Admin-consented application permissions in this tenant.' })),
  directoryRoles: Opt(Type.Array(Type.Enum(DirectoryRoleNames), { description: 'Directory roles held by the app in this tenant.' })),
  createdDateTime: Opt(DateTime('Consent time; default the load time.')),
}, 'An enterprise application (service principal): the app consented in this tenant.');

export const OrganizationRelationshipInput = Obj({
  id: Opt(Guid('Identity; default derived from tenant and name.')),
  name: Text('Name.'),
  enabled: Toggle('Enabled; default true.'),
  mailboxMoveEnabled: Toggle('MailboxMoveEnabled; default false, as in Exchange.'),
  mailboxMoveCapability: Opt(Type.Array(Type.Enum(MailboxMoveCapabilities), { description: 'MailboxMoveCapability: Inbound (target), RemoteOutbound (source), …' })),
  domainNames: Type.Array(Text('Partner tenant id (GUID) or domain.'), { minItems: 1, description: 'DomainNames: the partner tenant id.' }),
  oauthApplicationId: Opt(Type.Union([Guid('App id.'), Type.Null()], { description: 'OAuthApplicationId: the migration app (source side).' })),
  mailboxMovePublishedScopes: Opt(Type.Array(Ref('Group id, display name, mailNickname or mail.'), { description: 'MailboxMovePublishedScopes: mail-enabled security groups (source side).' })),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'An Exchange organization relationship.');

export const MigrationEndpointInput = Obj({
  name: Text('Endpoint name, used as exchangeSettings.sourceEndpoint.'),
  endpointType: Opt(Type.Enum(['ExchangeRemoteMove'], { description: 'Endpoint type; default ExchangeRemoteMove.' })),
  remoteServer: Opt(Text('RemoteServer; default outlook.office.com.')),
  remoteTenant: Text('RemoteTenant: the source tenant domain (e.g. contoso.onmicrosoft.com) or id.'),
  applicationId: Guid('ApplicationId: the migration app.'),
  isRemote: Toggle('IsRemote; default true.'),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'An Exchange migration endpoint (target side).');

export const SpoRelationshipInput = Obj({
  partnerHostUrl: HttpsUrl('PartnerCrossTenantHostUrl: the partner my-site host.'),
  scenario: Opt(Type.Enum(['MnA', 'None'], { description: 'Scenario; default MnA.' })),
  partnerRole: Type.Enum(['Source', 'Target', 'None'], { description: 'PartnerRole: the role the partner plays.' }),
  createdDateTime: Opt(DateTime('When this side set the trust (7-day dormancy counts from here); default the load time.')),
}, 'A SharePoint cross-tenant relationship (Set-SPOCrossTenantRelationship).');

export const IdentityMappingInput = Obj({
  sourceTenant: Ref('Source tenant id or one of its domains.'),
  sourceUser: Ref('Source user UPN or id.'),
  targetUser: Opt(Type.Union([Ref('Target user UPN or id in this tenant.'), Type.Null()], { description: 'Mapped target user; null while Unmapped.' })),
  state: Type.Enum(IdentityMappingStates, { description: 'CTIM identity state.' }),
  updatedDateTime: Opt(DateTime('Last change; default the load time.')),
}, 'A Cross-Tenant Identity Mapping (CTIM) identity, held by the target tenant.');

export const SpoUserMappingInput = Obj({
  sourceOrganizationId: Guid('Source tenant id.'),
  sourceUserPrincipalName: Upn('Source user UPN (the map key; one row per source user).'),
  targetUserPrincipalName: Upn('Target user UPN.'),
  targetEmail: Opt(Type.Union([SmtpAddress('email'), Type.Null()], { description: 'Target user e-mail.' })),
  userType: Opt(Type.Enum(SpoUserTypes, { description: 'User type; default regularUser.' })),
  updatedDateTime: Opt(DateTime('Upload time; default the load time.')),
}, 'A SharePoint identity-map user row, held by the target tenant.');

export const SpoGroupMappingInput = Obj({
  sourceOrganizationId: Guid('Source tenant id.'),
  sourceGroupId: Guid('Source group object id (the map key).'),
  targetGroupId: Guid('Target group object id.'),
  targetMailNickname: Opt(Type.Union([Type.String(), Type.Null()], { description: 'Target group alias.' })),
  groupType: Opt(Type.Enum(SpoGroupTypes, { description: 'Group type; default regularGroup.' })),
  updatedDateTime: Opt(DateTime('Upload time; default the load time.')),
}, 'A SharePoint identity-map group row, held by the target tenant.');

export type DomainInput = Static<typeof DomainInput>;
export type TenantSettingsInput = Static<typeof TenantSettingsInput>;
export type TenantInput = Static<typeof TenantInput>;
export type HoldsInput = Static<typeof HoldsInput>;
export type RecipientInput = Static<typeof RecipientInput>;
export type UserInput = Static<typeof UserInput>;
export type GroupInput = Static<typeof GroupInput>;
export type PermissionInput = Static<typeof PermissionInput>;
export type SecretInput = Static<typeof SecretInput>;
export type ApplicationInput = Static<typeof ApplicationInput>;
export type ServicePrincipalInput = Static<typeof ServicePrincipalInput>;
export type OrganizationRelationshipInput = Static<typeof OrganizationRelationshipInput>;
export type MigrationEndpointInput = Static<typeof MigrationEndpointInput>;
export type SpoRelationshipInput = Static<typeof SpoRelationshipInput>;
export type IdentityMappingInput = Static<typeof IdentityMappingInput>;
export type SpoUserMappingInput = Static<typeof SpoUserMappingInput>;
export type SpoGroupMappingInput = Static<typeof SpoGroupMappingInput>;
