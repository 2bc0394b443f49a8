// Input object -> record: fills every default the way the real service would (derived ids, hosts,
// proxy addresses, LegacyExchangeDN, quotas). No reference to other objects is resolved here (see
// prepare.ts) and nothing is rejected: invariants.ts judges the result.
import { hashLegacyDigest, hashSecret } from './secrets.js';
import { lower } from '../domain/naturalKeys.js';
import { aliasFromUpn, defaultSpoHosts, deriveGuid, guidSequence, legacyExchangeDn, spoMappingId, trimSlash } from './ids.js';
import { DEFAULT_QUOTAS, mergeSettings, NO_HOLDS, WELL_KNOWN_FOLDERS } from '../domain/tenantVocabulary.js';
import type { ApplicationInput, GroupInput, MigrationEndpointInput, OrganizationRelationshipInput, RecipientInput, ServicePrincipalInput, SpoGroupMappingInput, SpoRelationshipInput, SpoUserMappingInput, TenantInput, TenantSettingsInput, UserInput } from './inputSchemas.js';
import type {
  ApplicationRecord, DomainRecord, GroupRecord, MigrationEndpointRecord, OrganizationRelationshipRecord, RecipientRecord,
  ServicePrincipalRecord, SpoGroupMappingRecord, SpoRelationshipRecord, SpoUserMappingRecord, TenantRecord, UserRecord,
} from '../domain/tenantRecords.js';

/** Stored times are one format (ISO 8601 UTC with milliseconds): other modules compare them as strings. */
export function time(value: string | undefined, fallback: string): string {
  const ms = value === undefined ? NaN : Date.parse(value);
  return value === undefined ? fallback : Number.isNaN(ms) ? value : new Date(ms).toISOString(); // (the schema refuses bad dates)
}
const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
export const domainOf = (address: string): string => lower(address.slice(address.lastIndexOf('@') + 1));

export function normalizeTenant(input: TenantInput, now: string): TenantRecord {
  const initialDomain = lower(input.initialDomain);
  const domains: DomainRecord[] = [{ name: initialDomain, isVerified: true, acceptedDomainType: 'Authoritative' }];
  for (const d of input.domains ?? []) {
    const rec: DomainRecord = typeof d === 'string'
      ? { name: lower(d), isVerified: true, acceptedDomainType: 'Authoritative' }
      : { name: lower(d.name), isVerified: d.isVerified ?? true, acceptedDomainType: d.acceptedDomainType ?? 'Authoritative' };
    if (rec.name !== initialDomain) domains.push(rec); // the initial domain is always verified
  }
  const hosts = defaultSpoHosts(initialDomain);
  return {
    id: lower(input.id),
    displayName: input.displayName,
    initialDomain,
    defaultDomain: lower(input.defaultDomain ?? initialDomain),
    domains,
    cloud: input.cloud ?? 'Global',
    mySiteHost: lower(trimSlash(input.mySiteHost ?? hosts.mySiteHost)),
    rootSiteHost: lower(trimSlash(input.rootSiteHost ?? hosts.rootSiteHost)),
    settings: mergeSettings(input.settings),
    createdDateTime: time(input.createdDateTime, now),
  };
}

/** Mail folder ids of one mailbox: well-known folder k is member k, custom folders start at 100. */
export function mailFolderIds(tenantId: string, userId: string): (i: number) => string {
  return guidSequence('mailFolders', tenantId, userId);
}
export function mailItemIds(tenantId: string, userId: string): (i: number) => string {
  return guidSequence('mailItems', tenantId, userId);
}

export interface PreparedFolder { id: string; parentRef: string | null; displayName: string; wellKnownName: string | null; isRecoverable: boolean }
export interface PreparedMailItem {
  id: string; folderRef: string; itemClass: string; subject: string; from: string | null; receivedDateTime: string;
  sizeBytes: number; isRead: boolean; bodyPreview: string;
}
/** Folders by lower-cased well-known name and display name (how items and custom folders refer to them). */
export function folderLookup(folders: readonly PreparedFolder[]): Map<string, PreparedFolder> {
  const m = new Map<string, PreparedFolder>();
  for (const f of folders) {
    m.set(lower(f.displayName), f);
    if (f.wellKnownName) m.set(f.wellKnownName, f);
  }
  return m;
}

export function wellKnownFolders(tenantId: string, userId: string): PreparedFolder[] {
  const folderId = mailFolderIds(tenantId, userId);
  return WELL_KNOWN_FOLDERS.map((f, k) => ({
    id: folderId(k), parentRef: null, displayName: f.displayName, wellKnownName: f.name, isRecoverable: f.recoverable,
  }));
}

export interface PreparedUser {
  record: UserRecord;
  /** SHA-256 of the password for the local authority's password grant; undefined = keep the stored one. */
  password: string | null | undefined;
  /** Listed mailbox content (well-known folders included); null when none was listed: a loader creates
   * the well-known folders of a new mailbox, the admin API keeps what is stored. */
  folders: PreparedFolder[] | null;
  items: PreparedMailItem[] | null;
}

export function normalizeUser(input: UserInput, tenant: TenantRecord, now: string): PreparedUser {
  const upn = input.userPrincipalName.trim();
  const id = lower(input.id ?? deriveGuid('user', tenant.id, lower(upn)));
  const block = input.mailbox ?? input.mailUser;
  const isMailbox = input.mailbox !== undefined;
  const recipient = block ? normalizeRecipient(block, isMailbox, tenant.id, id, input.mail ?? upn) : undefined;
  const record: UserRecord = {
    tenantId: tenant.id,
    id,
    userPrincipalName: upn,
    displayName: input.displayName ?? (upn.split('@')[0] ?? upn),
    mail: input.mail !== undefined ? input.mail : (recipient?.primarySmtpAddress ?? null),
    accountEnabled: input.accountEnabled ?? true,
    userType: input.userType ?? 'Member',
    licenses: uniq(input.licenses ?? []),
    directoryRoles: uniq(input.directoryRoles ?? []),
    createdDateTime: time(input.createdDateTime, now),
  };
  if (isMailbox) record.mailbox = recipient; // (both blocks given: invariants refuse it)
  else if (input.mailUser) record.mailUser = recipient;
  const content = block && (block.folders !== undefined || block.items !== undefined) ? mailboxContent(block, tenant.id, id, now) : null;
  if (recipient && content && isMailbox) {
    // sizes default to what the listed items add up to: TotalItemSize and the Recoverable Items size
    const byName = folderLookup(content.folders);
    const sum = (recoverable: boolean) => content.items.filter((it) => !!byName.get(lower(it.folderRef))?.isRecoverable === recoverable)
      .reduce((n, it) => n + it.sizeBytes, 0);
    recipient.mailboxSizeBytes = block!.mailboxSizeBytes ?? sum(false);
    recipient.recoverableItemsSizeBytes = block!.recoverableItemsSizeBytes ?? sum(true);
  }
  return {
    record,
    password: typeof input.password === 'string' ? hashSecret(input.password) : input.password,
    folders: content?.folders ?? null,
    items: content?.items ?? null,
  };
}

function normalizeRecipient(b: RecipientInput, isMailbox: boolean, tenantId: string, userId: string, fallbackAddress: string): RecipientRecord {
  const addresses = [...(b.emailAddresses ?? [])];
  const listedPrimary = addresses.find((a) => a.startsWith('SMTP:'))?.slice(5);
  const primary = b.primarySmtpAddress ?? listedPrimary ?? fallbackAddress;
  if (!listedPrimary) {
    // The primary address is the SMTP: entry; promote a matching smtp: proxy or add it first.
    const i = addresses.findIndex((a) => /^smtp:/i.test(a) && lower(a.slice(5)) === lower(primary));
    if (i >= 0) addresses.splice(i, 1);
    addresses.unshift(`SMTP:${primary}`);
  }
  const alias = b.alias ?? aliasFromUpn(primary);
  const ext = b.externalEmailAddress ?? null;
  return {
    recipientTypeDetails: b.recipientTypeDetails ?? (isMailbox ? 'UserMailbox' : 'MailUser'),
    alias,
    primarySmtpAddress: primary,
    emailAddresses: addresses,
    externalEmailAddress: ext === null ? null : /^smtp:/i.test(ext) ? `SMTP:${ext.slice(5)}` : `SMTP:${ext}`,
    exchangeGuid: lowerOrNull(b.exchangeGuid !== undefined ? b.exchangeGuid : isMailbox ? deriveGuid('exchangeGuid', tenantId, userId) : null),
    archiveGuid: lowerOrNull(b.archiveGuid ?? null),
    auxArchiveCount: b.auxArchiveCount ?? 0,
    legacyExchangeDn: b.legacyExchangeDn ?? legacyExchangeDn(deriveGuid('legacyDn', tenantId, userId).replace(/-/g, ''), alias),
    holds: { ...NO_HOLDS, ...b.holds, inPlaceHolds: [...(b.holds?.inPlaceHolds ?? [])] },
    mailboxSizeBytes: b.mailboxSizeBytes ?? 0,
    recoverableItemsSizeBytes: b.recoverableItemsSizeBytes ?? 0,
    prohibitSendReceiveQuotaBytes: b.prohibitSendReceiveQuotaBytes ?? DEFAULT_QUOTAS.prohibitSendReceiveQuotaBytes,
    recoverableItemsQuotaBytes: b.recoverableItemsQuotaBytes ?? DEFAULT_QUOTAS.recoverableItemsQuotaBytes,
    previousRecipientTypeDetails: b.previousRecipientTypeDetails ?? null,
    mailboxMoveRemoteHostName: b.mailboxMoveRemoteHostName ?? null,
  };
}

const lowerOrNull = (s: string | null): string | null => (s === null ? null : lower(s));

const CLASS_BY_FOLDER: Record<string, string> = { calendar: 'IPM.Appointment', contacts: 'IPM.Contact', tasks: 'IPM.Task' };

function mailboxContent(b: RecipientInput, tenantId: string, userId: string, now: string) {
  const folderId = mailFolderIds(tenantId, userId);
  const itemId = mailItemIds(tenantId, userId);
  const folders = wellKnownFolders(tenantId, userId);
  (b.folders ?? []).forEach((f, j) => {
    folders.push({ id: lower(f.id ?? folderId(100 + j)), parentRef: f.parent ?? null, displayName: f.displayName, wellKnownName: null, isRecoverable: false });
  });
  const items: PreparedMailItem[] = (b.items ?? []).map((it, j) => ({
    id: lower(it.id ?? itemId(j)),
    folderRef: it.folder,
    itemClass: it.itemClass ?? CLASS_BY_FOLDER[lower(it.folder)] ?? 'IPM.Note',
    subject: it.subject,
    from: it.from ?? null,
    receivedDateTime: time(it.receivedDateTime, now),
    sizeBytes: it.sizeBytes ?? 20_000,
    isRead: it.isRead ?? false,
    bodyPreview: it.bodyPreview ?? '',
  }));
  return { folders, items };
}

export interface PreparedGroup { record: GroupRecord; memberRefs: string[] }

export function normalizeGroup(input: GroupInput, tenant: TenantRecord, now: string): PreparedGroup {
  const nickname = input.mailNickname ?? (input.displayName.replace(/[^A-Za-z0-9._-]/g, '') || 'group');
  const mailEnabled = input.groupType !== 'Security';
  return {
    record: {
      tenantId: tenant.id,
      id: lower(input.id ?? deriveGuid('group', tenant.id, lower(nickname))),
      displayName: input.displayName,
      groupType: input.groupType,
      mailNickname: nickname,
      mail: input.mail !== undefined ? input.mail : mailEnabled ? `${nickname}@${tenant.defaultDomain}` : null,
      members: [],
      createdDateTime: time(input.createdDateTime, now),
    },
    memberRefs: input.members ?? [],
  };
}

export function normalizeApplication(input: ApplicationInput, ownerTenantId: string, now: string): ApplicationRecord {
  const appId = lower(input.appId);
  return {
    appId,
    ownerTenantId,
    displayName: input.displayName,
    signInAudience: input.signInAudience ?? 'AzureADMultipleOrgs',
    requiredPermissions: (input.requiredPermissions ?? []).map((p) => ({ resource: p.resource, value: p.value, type: p.type ?? 'Application' })),
    secrets: (input.secrets ?? []).map((s, i) => ({
      keyId: lower(s.keyId ?? deriveGuid('secret', appId, String(i))),
      displayName: s.displayName ?? '',
      hint: s.hint ?? (s.value ?? '').slice(0, 3),
      sha256: s.sha256 !== undefined ? hashLegacyDigest(s.sha256) : s.value !== undefined ? hashSecret(s.value) : '',
    })),
    createdDateTime: time(input.createdDateTime, now),
  };
}

export function normalizeServicePrincipal(input: ServicePrincipalInput, tenantId: string, now: string): ServicePrincipalRecord {
  return {
    tenantId,
    appId: lower(input.appId),
    displayName: input.displayName ?? '', // filled from the application when resolved
    grantedPermissions: (input.grantedPermissions ?? []).map((p) => ({ resource: p.resource, value: p.value, type: p.type ?? 'Application' })),
    directoryRoles: uniq(input.directoryRoles ?? []),
    createdDateTime: time(input.createdDateTime, now),
  };
}

export interface PreparedOrgRel { record: OrganizationRelationshipRecord; scopeRefs: string[] }

export function normalizeOrgRel(input: OrganizationRelationshipInput, tenantId: string, now: string): PreparedOrgRel {
  return {
    record: {
      tenantId,
      id: lower(input.id ?? deriveGuid('organizationRelationship', tenantId, lower(input.name))),
      name: input.name,
      enabled: input.enabled ?? true,
      mailboxMoveEnabled: input.mailboxMoveEnabled ?? false,
      mailboxMoveCapability: uniq(input.mailboxMoveCapability ?? []),
      domainNames: input.domainNames.map((d) => lower(d)),
      oauthApplicationId: lowerOrNull(input.oauthApplicationId ?? null),
      mailboxMovePublishedScopes: [],
      createdDateTime: time(input.createdDateTime, now),
    },
    scopeRefs: input.mailboxMovePublishedScopes ?? [],
  };
}

export function normalizeEndpoint(input: MigrationEndpointInput, tenantId: string, now: string): MigrationEndpointRecord {
  return {
    tenantId,
    name: input.name,
    endpointType: input.endpointType ?? 'ExchangeRemoteMove',
    remoteServer: input.remoteServer ?? 'outlook.office.com',
    remoteTenant: lower(input.remoteTenant),
    applicationId: lower(input.applicationId),
    isRemote: input.isRemote ?? true,
    createdDateTime: time(input.createdDateTime, now),
  };
}

export function normalizeSpoRelationship(input: SpoRelationshipInput, tenantId: string, now: string): SpoRelationshipRecord {
  return {
    tenantId,
    partnerHostUrl: lower(trimSlash(input.partnerHostUrl)),
    scenario: input.scenario ?? 'MnA',
    partnerRole: input.partnerRole,
    createdDateTime: time(input.createdDateTime, now),
  };
}

export function normalizeSpoUserMapping(input: SpoUserMappingInput, tenantId: string, now: string): SpoUserMappingRecord {
  return {
    tenantId,
    id: spoMappingId('user', input.sourceUserPrincipalName),
    sourceOrganizationId: lower(input.sourceOrganizationId),
    sourceUserPrincipalName: input.sourceUserPrincipalName,
    targetUserPrincipalName: input.targetUserPrincipalName,
    targetEmail: input.targetEmail ?? null,
    userType: input.userType ?? 'regularUser',
    updatedDateTime: time(input.updatedDateTime, now),
  };
}

export function normalizeSpoGroupMapping(input: SpoGroupMappingInput, tenantId: string, now: string): SpoGroupMappingRecord {
  const sourceGroupId = lower(input.sourceGroupId);
  return {
    tenantId,
    id: spoMappingId('group', sourceGroupId),
    sourceOrganizationId: lower(input.sourceOrganizationId),
    sourceGroupId,
    targetGroupId: lower(input.targetGroupId),
    targetMailNickname: input.targetMailNickname ?? null,
    groupType: input.groupType ?? 'regularGroup',
    updatedDateTime: time(input.updatedDateTime, now),
  };
}
