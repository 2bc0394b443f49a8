// What the validation rules see: plain snapshots of both tenants and of each job user, loaded once
// by engine/validation/snapshot.ts. No store types leak in, so every rule is a pure function.
import type { Workload } from '../enums.js';
import type { RecipientRecord as TenantRecipientRecord } from '../tenantRecords.js';
import type { MigrationJob } from '../job.js';
import type { AppPermission, MailboxHolds, TenantSettings } from '../tenantVocabulary.js';

export interface DomainSnapshot {
  name: string; // lower-case
  isVerified: boolean;
  isInitial: boolean;
  isDefault: boolean;
  acceptedDomainType: string;
}

export interface ApplicationSnapshot {
  appId: string;
  ownerTenantId: string;
  displayName: string;
  requiredPermissions: AppPermission[];
}

export interface ServicePrincipalSnapshot {
  appId: string;
  displayName: string;
  /** Owner of the application object (Entra's AppOwnerTenantId); null when no application row exists. */
  appOwnerTenantId: string | null;
  grantedPermissions: AppPermission[];
  directoryRoles: string[];
}

export interface OrgRelationshipSnapshot {
  id: string;
  name: string;
  enabled: boolean;
  mailboxMoveEnabled: boolean;
  mailboxMoveCapability: string[];
  domainNames: string[];
  oauthApplicationId: string | null;
  mailboxMovePublishedScopes: string[];
}

export interface MigrationEndpointSnapshot {
  name: string;
  endpointType: string;
  remoteServer: string;
  remoteTenant: string;
  applicationId: string;
  isRemote: boolean;
}

export interface SpoRelationshipSnapshot {
  partnerHostUrl: string; // lower-case
  scenario: string;
  partnerRole: string;
  createdAt: string;
}

export interface GroupSnapshot {
  id: string;
  displayName: string;
  mailNickname: string;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
}

export interface TenantSnapshot {
  id: string;
  displayName: string;
  defaultDomain: string;
  cloud: string;
  mySiteHost: string;
  rootSiteHost: string;
  settings: TenantSettings;
  domains: DomainSnapshot[];
  /** Applications owned by this tenant. */
  applications: ApplicationSnapshot[];
  servicePrincipals: ServicePrincipalSnapshot[];
  orgRelationships: OrgRelationshipSnapshot[];
  migrationEndpoints: MigrationEndpointSnapshot[];
  spoRelationships: SpoRelationshipSnapshot[];
  /** Groups named by this tenant's MailboxMovePublishedScopes (resolved by id, name, alias or mail). */
  scopeGroups: GroupSnapshot[];
}

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: string;
  licenses: string[];
}

/** A recipient as the rules see it: the tenant model's record plus its object id and recipient type. */
export type RecipientRecord = TenantRecipientRecord & { id: string; recipientType: string };

export interface OneDriveSnapshot {
  id: string;
  url: string;
  kind: string; // OneDrive | Redirect
  state: string; // ReadWrite | ReadOnly | NoAccess
  /** Files and folders plus their older versions (SharePoint counts versions as items). */
  itemCount: number;
  /** Current content plus older versions, in bytes. */
  totalBytes: number;
  /** Longest server-relative path below the library root, in characters. */
  longestPathLength: number;
}

export interface IdentityMappingSnapshot {
  sourceUserId: string;
  state: string; // Unmapped | Mapped | Completed
}

export interface SpoUserMappingSnapshot {
  sourceUpn: string;
  targetUpn: string;
  targetEmail: string | null;
  userType: string;
}

export interface OtherJobRef { id: string; displayName: string; status: string }

/** One job resource: the target user and everything the rules read about it and its source user. */
export interface UserSnapshot {
  id: string; // target user object id (the job resource)
  targetUser: UserRecord | null;
  targetRecipient: RecipientRecord | null;
  /** CTIM row whose target_user_id is this user, for the job's source tenant; null = not mapped. */
  mapping: IdentityMappingSnapshot | null;
  /** How many CTIM rows (source users) point at this target user; >1 is a conflict. */
  mappedSourceCount: number;
  sourceUser: UserRecord | null;
  sourceRecipient: RecipientRecord | null;
  /** Ids of the source scope groups the source user is a direct member of. */
  scopeGroupIds: string[];
  spoMapping: SpoUserMappingSnapshot | null;
  sourceOneDrive: OneDriveSnapshot | null;
  /** A site already at the target user's OneDrive URL or owned by the user as a OneDrive. */
  targetOneDriveUrl: string | null;
  otherActiveJobs: OtherJobRef[];
  /** How often the user appears in the job's resources. */
  occurrencesInJob: number;
  meetingsOrganized: number;
}

export interface ValidationContext {
  job: MigrationJob;
  source: TenantSnapshot;
  target: TenantSnapshot;
  nowMs: number;
}

export interface Finding { code: string; message: string }

export type Values = Record<string, string | number>;

interface RuleBase {
  id: string;
  code: string;
  workloads: readonly Workload[];
  /** Where the check and its text come from, e.g. "migration-domain.md rule 13; CSSX". */
  reference: string;
  /** Message template; {name} placeholders are filled from the check's values. */
  message: string;
}

export interface TenantRule extends RuleBase {
  scope: 'tenant';
  check(ctx: ValidationContext): Finding[];
}

export interface UserRule extends RuleBase {
  scope: 'user';
  /** Reads the source user: skipped when the user has no CTIM mapping (CTM-100 is reported instead). */
  needsSource: boolean;
  check(ctx: ValidationContext, user: UserSnapshot): Finding[];
}

export type Rule = TenantRule | UserRule;
