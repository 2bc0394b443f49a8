// Records -> table rows, in the store's conventions (snake_case columns, JSON as text, booleans 0/1,
// lower-cased keys). Rows go to an Emit callback (store/tenantSink.ts) so the same code feeds the SQLite
// prepared-statement path and the Kysely path.
import type { Database } from '../store/schema.js';
import type { Emit } from '../store/tenantSink.js';
import { folderLookup, wellKnownFolders, type PreparedFolder, type PreparedMailItem, type PreparedUser } from './normalize.js';
import { lower } from '../domain/naturalKeys.js';
import type { PreparedChat, PreparedSite } from './invariants.content.js';
import type { PreparedTenant } from './prepare.js';
import type { GroupType } from '../domain/tenantVocabulary.js';
import type {
  ApplicationRecord, DriveItemRecord, GroupRecord, IdentityMappingRecord, MeetingRecord, MigrationEndpointRecord, MigrationFaultRecord, OrganizationRelationshipRecord,
  RecipientRecord, ServicePrincipalRecord, SpoGroupMappingRecord, SpoRelationshipRecord, SpoUserMappingRecord, TenantRecord, UserRecord,
} from '../domain/tenantRecords.js';

const b = (x: boolean): number => (x ? 1 : 0);
const json = (x: unknown): string => JSON.stringify(x);

export function emitTenant(t: TenantRecord, emit: Emit): void {
  emit('tenants', {
    id: t.id, display_name: t.displayName, default_domain: t.defaultDomain, cloud: t.cloud, my_site_host: t.mySiteHost,
    root_site_host: t.rootSiteHost, settings: json(t.settings), created_at: t.createdDateTime,
  });
  for (const d of t.domains) {
    emit('tenant_domains', {
      tenant_id: t.id, name: d.name, is_verified: b(d.isVerified), is_initial: b(d.name === t.initialDomain),
      is_default: b(d.name === t.defaultDomain), accepted_domain_type: d.acceptedDomainType,
    });
  }
}

export function userRow(u: UserRecord, password: string | null): Database['users'] {
  return {
    tenant_id: u.tenantId, id: u.id, user_principal_name: u.userPrincipalName, upn_key: lower(u.userPrincipalName), display_name: u.displayName,
    mail: u.mail, account_enabled: b(u.accountEnabled), user_type: u.userType, licenses: json(u.licenses), directory_roles: json(u.directoryRoles),
    password, created_at: u.createdDateTime,
  };
}

export function recipientRow(tenantId: string, userId: string, r: RecipientRecord, isMailbox: boolean, now: string): Database['recipients'] {
  return {
    tenant_id: tenantId, id: userId, recipient_type: isMailbox ? 'UserMailbox' : 'MailUser', recipient_type_details: r.recipientTypeDetails,
    alias: r.alias, primary_smtp_address: r.primarySmtpAddress, email_addresses: json(r.emailAddresses), external_email_address: r.externalEmailAddress,
    exchange_guid: r.exchangeGuid, archive_guid: r.archiveGuid, aux_archive_count: r.auxArchiveCount, legacy_exchange_dn: r.legacyExchangeDn,
    holds: json(r.holds), mailbox_size_bytes: r.mailboxSizeBytes, recoverable_items_size_bytes: r.recoverableItemsSizeBytes,
    prohibit_send_receive_quota_bytes: r.prohibitSendReceiveQuotaBytes, recoverable_items_quota_bytes: r.recoverableItemsQuotaBytes,
    previous_recipient_type_details: r.previousRecipientTypeDetails, mailbox_move_remote_host_name: r.mailboxMoveRemoteHostName, updated_at: now,
  };
}

/** A user, its recipient and (for a mailbox) its listed content; `newMailbox` adds the well-known folders when nothing is listed. */
export function emitUser(u: PreparedUser, emit: Emit, now: string, newMailbox: boolean): void {
  const r = u.record;
  emit('users', userRow(r, u.password ?? null));
  const rec = r.mailbox ?? r.mailUser;
  if (rec) emit('recipients', recipientRow(r.tenantId, r.id, rec, !!r.mailbox, now));
  if (!r.mailbox) return;
  const folders = u.folders ?? (newMailbox ? wellKnownFolders(r.tenantId, r.id) : null);
  if (folders) emitMailboxContent(r.tenantId, r.id, folders, u.items ?? [], emit);
}

export function emitMailboxContent(tenantId: string, userId: string, folders: PreparedFolder[], items: PreparedMailItem[], emit: Emit): void {
  const byName = folderLookup(folders);
  for (const f of folders) {
    emit('mail_folders', {
      tenant_id: tenantId, user_id: userId, id: f.id, parent_folder_id: f.parentRef ? (byName.get(lower(f.parentRef))?.id ?? null) : null,
      display_name: f.displayName, well_known_name: f.wellKnownName, is_recoverable: b(f.isRecoverable),
    });
  }
  for (const it of items) {
    emit('mail_items', {
      tenant_id: tenantId, user_id: userId, id: it.id, folder_id: byName.get(lower(it.folderRef))!.id, item_class: it.itemClass, subject: it.subject,
      from_address: it.from, received_at: it.receivedDateTime, size_bytes: it.sizeBytes, body_preview: it.bodyPreview, content_hash: null,
      is_read: b(it.isRead), last_modified_at: it.receivedDateTime,
    });
  }
}

export function emitGroup(g: GroupRecord, emit: Emit): void {
  emit('groups', {
    tenant_id: g.tenantId, id: g.id, display_name: g.displayName, mail_nickname: g.mailNickname, mail: g.mail,
    group_types: json(g.groupType === 'Microsoft365' ? ['Unified'] : []), mail_enabled: b(g.groupType !== 'Security'),
    security_enabled: b(g.groupType === 'Security' || g.groupType === 'MailEnabledSecurity'), created_at: g.createdDateTime,
  });
  for (const m of g.members) emit('group_members', { tenant_id: g.tenantId, group_id: g.id, member_id: m });
}

export function emitApplication(a: ApplicationRecord, emit: Emit): void {
  emit('applications', {
    app_id: a.appId, owner_tenant_id: a.ownerTenantId, display_name: a.displayName, sign_in_audience: a.signInAudience,
    required_permissions: json(a.requiredPermissions), secrets: json(a.secrets), created_at: a.createdDateTime,
  });
}

export function emitServicePrincipal(s: ServicePrincipalRecord, emit: Emit): void {
  emit('service_principals', {
    tenant_id: s.tenantId, app_id: s.appId, display_name: s.displayName, granted_permissions: json(s.grantedPermissions),
    directory_roles: json(s.directoryRoles), created_at: s.createdDateTime,
  });
}

export function emitOrgRel(o: OrganizationRelationshipRecord, emit: Emit): void {
  emit('organization_relationships', {
    tenant_id: o.tenantId, id: o.id, name: o.name, enabled: b(o.enabled), mailbox_move_enabled: b(o.mailboxMoveEnabled),
    mailbox_move_capability: json(o.mailboxMoveCapability), domain_names: json(o.domainNames), oauth_application_id: o.oauthApplicationId,
    mailbox_move_published_scopes: json(o.mailboxMovePublishedScopes), created_at: o.createdDateTime,
  });
}

export function emitEndpoint(e: MigrationEndpointRecord, emit: Emit): void {
  emit('migration_endpoints', {
    tenant_id: e.tenantId, name: e.name, endpoint_type: e.endpointType, remote_server: e.remoteServer, remote_tenant: e.remoteTenant,
    application_id: e.applicationId, is_remote: b(e.isRemote), created_at: e.createdDateTime,
  });
}

export function emitSpoRelationship(r: SpoRelationshipRecord, emit: Emit): void {
  emit('spo_relationships', { tenant_id: r.tenantId, partner_host_url: r.partnerHostUrl, scenario: r.scenario, partner_role: r.partnerRole, created_at: r.createdDateTime });
}

export function emitSite(s: PreparedSite, emit: Emit): void {
  const r = s.record;
  emit('sites', {
    tenant_id: r.tenantId, id: r.id, url: r.url, url_key: lower(r.url), kind: r.kind, template: r.template, title: r.title, owner_user_id: r.ownerUserId,
    group_id: r.groupId, state: r.state, redirect_url: r.redirectUrl, storage_quota_bytes: r.storageQuotaBytes, created_at: r.createdDateTime,
  });
  for (const it of s.items ?? []) emit('drive_items', driveItemRow(r.tenantId, r.id, it));
  for (const p of s.permissions) {
    emit('permissions', {
      tenant_id: r.tenantId, site_id: r.id, item_id: p.itemId, principal_type: p.principalType, principal_id: p.principalId, role: p.role, link_scope: p.linkScope,
    });
  }
}

export function driveItemRow(tenantId: string, siteId: string, it: DriveItemRecord): Database['drive_items'] {
  return {
    tenant_id: tenantId, site_id: siteId, id: it.id, parent_id: it.parentId, name: it.name, path: it.path, is_folder: b(it.isFolder),
    size_bytes: it.sizeBytes, content_hash: it.contentHash,
    versions: json(it.versions.map((v) => ({ label: v.label, sizeBytes: v.sizeBytes, contentHash: v.contentHash, modifiedAt: v.modifiedDateTime }))),
    created_by: it.createdBy, modified_at: it.modifiedDateTime,
  };
}

export function emitChat(c: PreparedChat, emit: Emit): void {
  const r = c.record;
  emit('chats', { tenant_id: r.tenantId, id: r.id, chat_type: r.chatType, topic: r.topic, created_by: r.createdBy, created_at: r.createdDateTime, migrated_to: r.migratedTo });
  for (const m of r.members) {
    emit('chat_members', { tenant_id: r.tenantId, chat_id: r.id, user_id: m, roles: m === r.createdBy && r.chatType !== 'oneOnOne' ? '["owner"]' : '[]' });
  }
  for (const m of c.messages ?? []) {
    emit('chat_messages', { tenant_id: r.tenantId, chat_id: r.id, id: m.id, from_user_id: m.fromUserId, body: m.body, message_type: m.messageType, created_at: m.createdDateTime });
  }
}

export function emitMeeting(m: MeetingRecord, emit: Emit): void {
  emit('meetings', {
    tenant_id: m.tenantId, id: m.id, organizer_id: m.organizerId, subject: m.subject, start_at: m.startDateTime, end_at: m.endDateTime,
    last_occurrence_at: m.lastOccurrenceDateTime, is_recurring: b(m.isRecurring), attendees: json(m.attendees), attendee_count: m.attendeeCount,
    meeting_kind: m.meetingKind, is_cancelled: b(m.isCancelled), sensitivity: m.sensitivity, calendar: m.calendar,
    organized_by_resource: b(m.organizedByResource), join_url: m.joinUrl,
  });
}

export function emitIdentityMapping(m: IdentityMappingRecord, emit: Emit): void {
  emit('identity_mappings', {
    target_tenant_id: m.targetTenantId, source_tenant_id: m.sourceTenantId, source_user_id: m.sourceUserId, target_user_id: m.targetUserId,
    state: m.state, updated_at: m.updatedDateTime,
  });
}

export function emitSpoUserMapping(m: SpoUserMappingRecord, emit: Emit): void {
  emit('spo_user_mappings', {
    tenant_id: m.tenantId, source_upn_key: lower(m.sourceUserPrincipalName), id: m.id, source_organization_id: m.sourceOrganizationId,
    source_upn: m.sourceUserPrincipalName, target_upn: m.targetUserPrincipalName, target_email: m.targetEmail, user_type: m.userType, updated_at: m.updatedDateTime,
    target_upn_key: lower(m.targetUserPrincipalName),
  });
}

export function emitSpoGroupMapping(m: SpoGroupMappingRecord, emit: Emit): void {
  emit('spo_group_mappings', {
    tenant_id: m.tenantId, source_group_id: m.sourceGroupId, id: m.id, source_organization_id: m.sourceOrganizationId, target_group_id: m.targetGroupId,
    target_mail_nickname: m.targetMailNickname, group_type: m.groupType, updated_at: m.updatedDateTime,
  });
}

export function emitMigrationFault(f: MigrationFaultRecord, emit: Emit, now: string): void {
  emit('migration_faults', {
    tenant_id: f.tenantId, user_id: f.userId, workload: f.workload, kind: f.kind, params: json(f.params),
    remaining: f.kind === 'transientError' ? (f.params.count ?? 1) : null, last_attempt_key: null, fired_at: null, updated_at: now,
  });
}

/** Every row of a prepared tenant (loader: the tenant is empty, so new mailboxes get their well-known folders). */
export function emitPrepared(p: PreparedTenant, emit: Emit, now: string, newMailboxes: (userId: string) => boolean): void {
  if (p.tenantChanged) emitTenant(p.tenant, emit);
  for (const u of p.users) emitUser(u, emit, now, newMailboxes(u.record.id));
  for (const g of p.groups) emitGroup(g.record, emit);
  for (const a of p.applications) emitApplication(a, emit);
  for (const s of p.servicePrincipals) emitServicePrincipal(s, emit);
  for (const o of p.organizationRelationships) emitOrgRel(o, emit);
  for (const e of p.migrationEndpoints) emitEndpoint(e, emit);
  for (const r of p.spoRelationships) emitSpoRelationship(r, emit);
  for (const s of p.sites) emitSite(s, emit);
  for (const c of p.chats) emitChat(c, emit);
  for (const m of p.meetings) emitMeeting(m, emit);
  for (const m of p.identityMappings) emitIdentityMapping(m, emit);
  for (const m of p.spoUserMappings) emitSpoUserMapping(m, emit);
  for (const m of p.spoGroupMappings) emitSpoGroupMapping(m, emit);
  for (const f of p.migrationFaults) emitMigrationFault(f, emit, now);
}
