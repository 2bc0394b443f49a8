// Kysely table types. Timestamps are ISO-8601 UTC strings (ms precision), JSON columns are text:
// the same representation on SQLite and PostgreSQL, so repositories never branch on the dialect.
// Booleans are 0/1 integers for the same reason.
import type { Generated, Selectable } from 'kysely';

type Json = string; // JSON text; repositories parse/stringify
type Iso = string; // ISO-8601 UTC timestamp
type Flag = number; // 0 | 1

export interface XtmSettingsTable { key: string; value: string }

export interface SigningKeysTable { kid: string; private_jwk: Json; public_jwk: Json; created_at: Iso }

export interface WorkItemsTable {
  id: string; // uuid
  task: string;
  payload: Json;
  job_key: string | null;
  run_at: Iso;
  attempts: number;
  max_attempts: number;
  locked_at: Iso | null;
  locked_by: string | null;
  last_error: string | null;
  failed_at: Iso | null;
  created_at: Iso;
  queue_name: string | null;
}

/** Work due at a clock (virtual) time; promoted into the runnable queue when due. */
export interface WorkTimersTable {
  id: string;
  task: string;
  payload: Json;
  job_key: string | null;
  queue_name: string | null;
  run_at: Iso; // clock time
  attempts: number; // attempts already made (retries carry them)
  max_attempts: number;
  last_error: string | null;
  created_at: Iso;
}

export interface WorkFailuresTable {
  id: string;
  task: string;
  payload: Json;
  job_key: string | null;
  queue_name: string | null;
  attempts: number;
  last_error: string;
  failed_at: Iso;
}

export interface WorkWorkersTable {
  id: string;
  lock_ids: Json; // string[]: the locked_by values this runner writes
  heartbeat_at: Iso; // wall-clock time
  started_at: Iso;
}

// ---- directory -------------------------------------------------------------------------------
export interface TenantsTable {
  id: string; // tenant GUID
  display_name: string;
  default_domain: string; // e.g. contoso.onmicrosoft.com
  cloud: string; // Global | USGov | USGovHigh | DoD | China
  my_site_host: string; // https://contoso-my.sharepoint.com
  root_site_host: string; // https://contoso.sharepoint.com
  settings: Json; // TenantSettings (feature flags, SPO/Teams/Exchange org config)
  created_at: Iso;
}

export interface TenantDomainsTable {
  tenant_id: string;
  name: string; // lower-case domain
  is_verified: Flag;
  is_initial: Flag;
  is_default: Flag;
  accepted_domain_type: string; // Authoritative | InternalRelay | ExternalRelay
}

export interface UsersTable {
  tenant_id: string;
  id: string; // object id (ExternalDirectoryObjectId)
  user_principal_name: string;
  upn_key: string; // lower-cased UPN, unique per tenant
  display_name: string;
  mail: string | null;
  account_enabled: Flag;
  user_type: string; // Member | Guest
  licenses: Json; // string[] of sku part numbers (see tenants/licenses.ts)
  directory_roles: Json; // string[] of role display names
  password: string | null; // salted scrypt hash of the password (domain/credentialHash.ts) for the local authority's ROPC grant
  created_at: Iso;
}

export interface GroupsTable {
  tenant_id: string;
  id: string;
  display_name: string;
  mail_nickname: string;
  mail: string | null;
  group_types: Json; // string[] e.g. ["Unified"]
  mail_enabled: Flag;
  security_enabled: Flag;
  created_at: Iso;
}

export interface GroupMembersTable { tenant_id: string; group_id: string; member_id: string }

export interface ApplicationsTable {
  app_id: string; // client id, global
  owner_tenant_id: string;
  display_name: string;
  sign_in_audience: string; // AzureADMyOrg | AzureADMultipleOrgs
  required_permissions: Json; // {resource, type: 'Application'|'Delegated', value}[]
  secrets: Json; // {keyId, hint, sha256}[]: `sha256` holds the salted scrypt hash (domain/credentialHash.ts); the name is kept for stored rows
  created_at: Iso;
}

export interface ServicePrincipalsTable {
  tenant_id: string;
  app_id: string;
  display_name: string;
  granted_permissions: Json; // {resource, value}[] admin-consented application permissions
  directory_roles: Json; // string[] e.g. ["Exchange Administrator"]
  created_at: Iso;
}

// ---- Exchange --------------------------------------------------------------------------------
export interface RecipientsTable {
  tenant_id: string;
  id: string; // = users.id (ExternalDirectoryObjectId)
  recipient_type: string; // UserMailbox | MailUser
  recipient_type_details: string; // UserMailbox | MailUser | ...
  alias: string;
  primary_smtp_address: string;
  email_addresses: Json; // string[] with prefixes: SMTP:, smtp:, x500:, X500:
  external_email_address: string | null; // "SMTP:x@y" style target address (MailUser)
  exchange_guid: string | null;
  archive_guid: string | null;
  aux_archive_count: number;
  legacy_exchange_dn: string;
  holds: Json; // MailboxHolds
  mailbox_size_bytes: number;
  recoverable_items_size_bytes: number;
  prohibit_send_receive_quota_bytes: number;
  recoverable_items_quota_bytes: number;
  previous_recipient_type_details: string | null;
  mailbox_move_remote_host_name: string | null;
  updated_at: Iso;
}

export interface OrganizationRelationshipsTable {
  tenant_id: string;
  id: string;
  name: string;
  enabled: Flag;
  mailbox_move_enabled: Flag;
  mailbox_move_capability: Json; // string[]: Inbound | Outbound | RemoteInbound | RemoteOutbound
  domain_names: Json; // string[]: partner tenant GUIDs (or domains)
  oauth_application_id: string | null;
  mailbox_move_published_scopes: Json; // string[]: group ids / names
  created_at: Iso;
}

export interface MigrationEndpointsTable {
  tenant_id: string;
  name: string;
  endpoint_type: string; // ExchangeRemoteMove
  remote_server: string; // outlook.office.com
  remote_tenant: string; // source tenant domain or GUID
  application_id: string;
  is_remote: Flag;
  created_at: Iso;
}

export interface MailFoldersTable {
  tenant_id: string;
  user_id: string;
  id: string;
  parent_folder_id: string | null;
  display_name: string;
  well_known_name: string | null; // inbox, sentitems, calendar, contacts, tasks, outbox, recoverableitemsdeletions, ...
  is_recoverable: Flag; // part of Recoverable Items
}

export interface MailItemsTable {
  tenant_id: string;
  user_id: string;
  id: string;
  folder_id: string;
  item_class: string; // IPM.Note | IPM.Appointment | IPM.Contact | IPM.Task
  subject: string;
  from_address: string | null;
  received_at: Iso;
  size_bytes: number;
  body_preview: string;
  content_hash: string | null;
  is_read: Flag;
  last_modified_at: Iso;
}

// ---- SharePoint / OneDrive -------------------------------------------------------------------
export interface SitesTable {
  tenant_id: string;
  id: string;
  url: string; // absolute, lower-case host
  url_key: string; // lower-cased url, unique per tenant
  kind: string; // OneDrive | Site | GroupSite | Redirect
  template: string; // SPSPERS#10 | STS#3 | GROUP#0 | RedirectSite#0
  title: string;
  owner_user_id: string | null;
  group_id: string | null;
  state: string; // ReadWrite | ReadOnly | NoAccess
  redirect_url: string | null;
  storage_quota_bytes: number;
  created_at: Iso;
}

export interface DriveItemsTable {
  tenant_id: string;
  site_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  path: string; // server-relative path below the document library root, e.g. "/Projects/plan.docx"
  is_folder: Flag;
  size_bytes: number;
  content_hash: string | null;
  versions: Json; // {label, sizeBytes, contentHash, modifiedAt}[] (older versions; current = the row)
  created_by: string | null;
  modified_at: Iso;
}

export interface PermissionsTable {
  tenant_id: string;
  site_id: string;
  item_id: string; // '' = the site itself
  principal_type: string; // user | group | link
  principal_id: string; // object id, or link id
  role: string; // read | write | owner
  link_scope: string | null; // anonymous | organization | users (sharing links)
}

export interface SpoRelationshipsTable {
  tenant_id: string;
  partner_host_url: string; // lower-case
  scenario: string; // MnA
  partner_role: string; // Source | Target
  created_at: Iso;
}

export interface SpoUserMappingsTable {
  tenant_id: string; // the tenant holding the map (target)
  source_upn_key: string; // lower-case source UPN
  id: string; // deterministic base64url id (graph-api-surface §8.5)
  source_organization_id: string;
  source_upn: string;
  target_upn: string;
  target_email: string | null;
  user_type: string; // none | regularUser | adminUser | guestUser
  updated_at: Iso;
  target_upn_key?: string | null; // lower-case target UPN (0006): the one-to-one check's index
}

export interface SpoGroupMappingsTable {
  tenant_id: string;
  source_group_id: string;
  id: string;
  source_organization_id: string;
  target_group_id: string;
  target_mail_nickname: string | null;
  group_type: string; // none | regularGroup | m365Group
  updated_at: Iso;
}

// ---- Teams -----------------------------------------------------------------------------------
export interface ChatsTable {
  tenant_id: string;
  id: string;
  chat_type: string; // oneOnOne | group | meeting
  topic: string | null;
  created_by: string | null;
  created_at: Iso;
  migrated_to: string | null; // set by the migration engine on the source thread
}

export interface ChatMembersTable { tenant_id: string; chat_id: string; user_id: string; roles: Json }

export interface ChatMessagesTable {
  tenant_id: string;
  chat_id: string;
  id: string;
  from_user_id: string | null;
  body: string;
  message_type: string; // message | systemEventMessage
  created_at: Iso;
}

export interface MeetingsTable {
  tenant_id: string;
  id: string;
  organizer_id: string;
  subject: string;
  start_at: Iso;
  end_at: Iso;
  last_occurrence_at: Iso;
  is_recurring: Flag;
  attendees: Json; // user ids / external addresses
  attendee_count: number;
  meeting_kind: string; // meeting | channelMeeting | liveEvent | webinar | townhall
  is_cancelled: Flag;
  sensitivity: string; // normal | confidential | highlyConfidential
  calendar: string; // default | other
  organized_by_resource: Flag;
  join_url: string;
}

// ---- identity (CTIM) -------------------------------------------------------------------------
export interface IdentityMappingsTable {
  target_tenant_id: string;
  source_tenant_id: string;
  source_user_id: string;
  target_user_id: string | null;
  state: string; // Unmapped | Mapped | Completed
  updated_at: Iso;
}

// ---- orchestrator jobs -----------------------------------------------------------------------
export interface MigrationJobsTable {
  id: string;
  tenant_id: string; // target tenant (the caller's)
  display_name: string;
  display_name_key: string; // lower-cased, unique per tenant among live jobs
  job_type: string;
  status: string;
  message: string | null;
  complete_after: Iso;
  complete_after_sent: string; // completeAfterDateTime as the client wrote it (echoed); complete_after is its instant
  source_tenant_id: string;
  exchange_settings: Json | null;
  workloads: Json; // string[] as the client sent them (echoed; [] when omitted); the job's workloads derive from it
  resource_type: string; // as the client sent it
  resources: Json; // string[]
  created_by: string;
  created_at: Iso;
  updated_at: Iso;
  validated_at: Iso | null; // when the last validation passed (7-day expiry)
  op_seq: number; // bumped by every accepted action; stale work items compare it and stop
}

export interface MigrationTasksTable {
  tenant_id: string;
  job_id: string;
  id: string; // target user object id
  position: number; // order in the job's resources
  task_type: string;
  current_status: Json; // ServiceStatusDetails[]
  cancelled: Flag;
  updated_at: Iso;
}

// ---- change log (0004_changes) ---------------------------------------------------------------
export interface ChangesTable {
  /** Monotonic, in commit order (PostgreSQL: NULL until the writing transaction commits). */
  seq: Generated<number>;
  tenant_id: string;
  kind: string; // ChangeKind | 'reset'
  owner_id: string; // user (mail, recipient), site (drive, permissions), chat, meeting organiser; '' for reset
  item_id: string; // row id; composite keys joined with '|'
  op: string; // add | change | delete | reset
}

export interface ChangeSuspensionsTable { id: string }
// ---- migration engine ------------------------------------------------------------------------
export interface MigrationMovesTable {
  job_id: string;
  user_id: string; // target user object id (= migration_tasks.id)
  workload: string; // Exchange | ODSP | Teams | Meeting
  tenant_id: string; // target tenant
  source_tenant_id: string;
  source_user_id: string | null;
  phase: string; // MovePhase (domain/movePhases.ts)
  cursor: string | null; // resume point of the pass in progress
  items_total: number;
  bytes_total: number;
  items_done: number;
  bytes_done: number;
  passes: number; // sync passes done (initial = 1, then incremental)
  skipped: Json; // SkippedItem[]
  skipped_approved: Flag;
  source_count: number | null; // reconciliation
  target_count: number | null;
  consistency: string | null; // Perfect | Good | Investigate | Poor
  error_code: string | null;
  error_message: string | null;
  sync_done_at: Iso | null; // initial sync finished
  last_sync_at: Iso | null;
  updated_at: Iso;
}

export interface MigrationItemMapTable {
  job_id: string;
  user_id: string;
  workload: string;
  kind: string; // folder | item | ...
  source_id: string;
  target_id: string;
  source_version: string | null; // source last-modified at copy time (incremental passes compare it)
}

// ---- migration faults to rehearse (0005_faults) -----------------------------------------------
export interface MigrationFaultsTable {
  tenant_id: string; // the source tenant
  user_id: string; // the migrating source user
  workload: string; // Exchange | ODSP | Teams | Meeting
  kind: string; // MigrationFaultKind
  params: Json; // MigrationFaultParams, defaults filled
  remaining: number | null; // transientError: failures still to inject
  last_attempt_key: string | null; // transientError: the attempt that took the last decrement
  fired_at: Iso | null; // mid-move faults: when the source change was made
  updated_at: Iso;
}

// ---- SharePoint / OneDrive moves (0006) ------------------------------------------------------
export interface SiteMovesTable {
  id: string; // move id: `odsp:<jobId>:<userId>` for a job's ODSP workload, the task id for a SharePoint task
  kind: string; // OneDrive | Site | GroupSite
  source_tenant_id: string;
  source_site_id: string;
  source_url: string;
  source_state_before: string; // lock state restored by a rollback
  target_tenant_id: string;
  target_site_id: string;
  target_url: string;
  phase: string; // copying | finalized
  cursor: string | null; // last copied source drive item id
  source_items: number; // snapshot at begin (the source is read-only from then on)
  source_bytes: number;
  items_copied: number;
  bytes_copied: number;
  permissions_kept: number;
  permissions_dropped: number; // principals without an identity-map entry
  created_at: Iso;
  updated_at: Iso;
}

export interface DriveItemMapTable { move_id: string; source_item_id: string; target_item_id: string }

export interface SpoMigrationTasksTable {
  id: string;
  tenant_id: string; // source tenant
  target_tenant_id: string;
  task_type: string; // user | site | group
  source_key: string;
  parameters: Json;
  status: string; // sharePointMigrationTaskStatus
  move_state: string; // NotStarted | Scheduled | ReadyToTrigger | InProgress | Success | Failed | Stopped | Rescheduled
  stage: string | null; // Validation | Backup | Restore | Cleanup
  error: Json | null;
  preferred_start: Iso | null;
  preferred_latest_start: Iso | null;
  started_at: Iso | null;
  finished_at: Iso | null;
  created_at: Iso;
  updated_at: Iso;
}

export interface Database {
  xtm_settings: XtmSettingsTable;
  signing_keys: SigningKeysTable;
  work_items: WorkItemsTable;
  work_timers: WorkTimersTable;
  work_failures: WorkFailuresTable;
  work_workers: WorkWorkersTable;
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  applications: ApplicationsTable;
  service_principals: ServicePrincipalsTable;
  recipients: RecipientsTable;
  organization_relationships: OrganizationRelationshipsTable;
  migration_endpoints: MigrationEndpointsTable;
  mail_folders: MailFoldersTable;
  mail_items: MailItemsTable;
  sites: SitesTable;
  drive_items: DriveItemsTable;
  permissions: PermissionsTable;
  spo_relationships: SpoRelationshipsTable;
  spo_user_mappings: SpoUserMappingsTable;
  spo_group_mappings: SpoGroupMappingsTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  chat_messages: ChatMessagesTable;
  meetings: MeetingsTable;
  identity_mappings: IdentityMappingsTable;
  migration_jobs: MigrationJobsTable;
  migration_tasks: MigrationTasksTable;
  changes: ChangesTable;
  change_suspensions: ChangeSuspensionsTable;
  migration_faults: MigrationFaultsTable;
  site_moves: SiteMovesTable;
  drive_item_map: DriveItemMapTable;
  spo_migration_tasks: SpoMigrationTasksTable;
  migration_moves: MigrationMovesTable;
  migration_item_map: MigrationItemMapTable;
  blobs: BlobsTable;
  content_docs: ContentDocsTable;
  upload_sessions: UploadSessionsTable;
  sign_in_failures: SignInFailuresTable;
}

/** A row of `table` as a select returns it (generated columns filled in). */
export type Row<T extends keyof Database> = Selectable<Database[T]>;

// ---- Content written through Graph (0010_content) and credential guards (0011_credentials) ------
export interface BlobsTable { sha256: string; size_bytes: number; created_at: Iso }
export interface ContentDocsTable { sha256: string; doc: Json; created_at: Iso }
export interface UploadSessionsTable {
  id: string;
  tenant_id: string;
  site_id: string;
  parent_id: string | null;
  name: string;
  size_bytes: number;
  received_bytes: number;
  conflict_behavior: string; // replace | fail | rename
  created_by: string | null;
  expires_at: Iso;
}
/** Failed password grants per user and source address (smart lockout); wall-clock times. */
export interface SignInFailuresTable { tenant_id: string; user_key: string; source: string; failures: number; window_start: Iso; locked_until: Iso | null }
