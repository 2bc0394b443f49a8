// Invariants of content and mapping objects, which refer to users and groups: each function checks
// one input against the index, pushes issues, and returns the record with references resolved to ids.
import type { TenantIndex } from './directoryIndex.js';
import { deriveGuid, groupChatId, oneDriveUrl, oneOnOneChatId } from './ids.js';
import { at, type Checker } from './invariants.js';
import { DEFAULT_QUOTAS } from '../domain/tenantVocabulary.js';
import { isGuid, lower } from '../domain/naturalKeys.js';
import { time } from './normalize.js';
import type { ChatInput, DriveItemInput, IdentityMappingInput, MeetingInput, SiteInput, SitePermissionInput } from './inputSchemas.js';
import type {
  ChatMessageRecord, ChatRecord, DriveItemRecord, IdentityMappingRecord, MeetingRecord, SitePermissionRecord, SiteRecord,
  SpoGroupMappingRecord, SpoUserMappingRecord,
} from '../domain/tenantRecords.js';

export interface PreparedSite { record: SiteRecord; items: DriveItemRecord[] | null; permissions: SitePermissionRecord[] }
export interface PreparedChat { record: ChatRecord; messages: ChatMessageRecord[] | null }

const SMTP_RE = /^[^@\s:]+@[^@\s]+\.[^@\s]+$/;
const TEMPLATES = { OneDrive: 'SPSPERS#10', Site: 'STS#3', GroupSite: 'GROUP#0', Redirect: 'RedirectSite#0' } as const;
const hex32 = (...parts: string[]): string => deriveGuid(...parts).replace(/-/g, '');

export function prepareSite(c: Checker, t: TenantIndex, s: SiteInput, path: string, now: string): PreparedSite {
  const owner = s.owner ? t.user(s.owner) : undefined;
  if (s.owner && !owner) c.add(at(path, 'owner'), `OneDrive owner '${s.owner}' is not a user of tenant '${t.record.displayName}'`);
  if (s.kind === 'OneDrive' && !s.owner) c.add(at(path, 'owner'), 'a OneDrive needs an owner');
  const group = s.group ? t.group(s.group) : undefined;
  if (s.group && !group) c.add(at(path, 'group'), `group '${s.group}' is not a group of tenant '${t.record.displayName}'`);
  if (s.kind === 'GroupSite' && !s.group) c.add(at(path, 'group'), 'a group-connected site needs its Microsoft 365 group');
  if (s.kind === 'GroupSite' && group && group.groupType !== 'Microsoft365') c.add(at(path, 'group'), `group '${s.group}' is a ${group.groupType} group; group-connected sites belong to Microsoft 365 groups`);
  const host = s.kind === 'OneDrive' ? t.record.mySiteHost : t.record.rootSiteHost;
  const defaultUrl = s.kind === 'OneDrive' && owner ? oneDriveUrl(t.record.mySiteHost, owner.upn)
    : s.kind === 'GroupSite' && group ? `${t.record.rootSiteHost}/sites/${group.mailNickname}` : undefined;
  const url = (s.url ?? defaultUrl ?? '').replace(/\/+$/, '');
  if (!url && !(s.kind === 'OneDrive' && !owner)) c.add(at(path, 'url'), `a ${s.kind} site needs a url`);
  const urlKey = lower(url);
  const hosts = s.kind === 'Redirect' ? [t.record.mySiteHost, t.record.rootSiteHost] : [host];
  if (url && !hosts.some((h) => urlKey.startsWith(`${h}/`))) c.add(at(path, 'url'), `url '${url}' is not under the tenant's ${s.kind === 'OneDrive' ? 'my-site' : 'root site'} host ${hosts.join(' or ')}`);
  const id = lower(s.id ?? deriveGuid('site', t.id, urlKey));
  c.guid(at(path, 'id'), s.id, 'site id');
  const earlier = url ? c.claim(`site:${t.id}:${urlKey}`, path) : undefined;
  const holder = t.sites.get(urlKey);
  if (earlier) c.add(at(path, 'url'), `site url '${url}' is used twice (also at ${earlier})`);
  else if (holder && holder !== id) c.add(at(path, 'url'), `site url '${url}' is already used by site ${holder}`);
  if (s.kind === 'OneDrive' && owner) {
    const other = c.claim(`oneDrive:${t.id}:${owner.id}`, path);
    const stored = t.oneDrives.get(owner.id);
    if (other) c.add(at(path, 'owner'), `user '${s.owner}' already has a OneDrive (at ${other})`);
    else if (stored && stored !== id) c.add(at(path, 'owner'), `user '${s.owner}' already has a OneDrive (site ${stored})`);
  }
  if (s.kind === 'Redirect' && !s.redirectUrl) c.add(at(path, 'redirectUrl'), 'a Redirect site needs a redirectUrl');
  const record: SiteRecord = {
    tenantId: t.id, id, kind: s.kind, url, template: s.template ?? TEMPLATES[s.kind],
    title: s.title ?? (owner?.upn ?? group?.displayName ?? url.split('/').pop() ?? url),
    ownerUserId: owner?.id ?? null, groupId: group?.id ?? null, state: s.state ?? 'ReadWrite', redirectUrl: s.redirectUrl ?? null,
    storageQuotaBytes: s.storageQuotaBytes ?? DEFAULT_QUOTAS.oneDriveStorageQuotaBytes, createdDateTime: time(s.createdDateTime, now),
  };
  const permissions: SitePermissionRecord[] = [];
  const permKeys = new Set<string>();
  const addPermissions = (list: SitePermissionInput[] | undefined, itemId: string, p: string) => {
    (list ?? []).forEach((perm, i) => {
      const rec = resolvePermission(c, t, perm, at(p, 'permissions', i), id, itemId, i);
      if (!rec) return;
      const key = `${rec.itemId}|${rec.principalType}|${rec.principalId}`;
      if (permKeys.has(key)) return c.add(at(p, 'permissions', i), 'this principal is listed twice');
      permKeys.add(key);
      permissions.push(rec);
    });
  };
  if (record.kind === 'OneDrive' && owner) {
    permKeys.add(`|user|${owner.id}`);
    permissions.push({ itemId: '', principalType: 'user', principalId: owner.id, role: 'owner', linkScope: null });
  }
  addPermissions(s.permissions, '', path);
  const items = s.items ? prepareDriveItems(c, t, s.items, record, path, addPermissions) : null;
  return { record, items, permissions };
}

function resolvePermission(c: Checker, t: TenantIndex, p: SitePermissionInput, path: string, siteId: string, itemId: string, i: number): SitePermissionRecord | null {
  if ((p.principal === undefined) === (p.link === undefined)) {
    c.add(path, 'a permission has either a principal or a link');
    return null;
  }
  if (p.link) {
    return { itemId, principalType: 'link', principalId: p.linkId ?? deriveGuid('link', siteId, itemId, String(i)), role: p.role, linkScope: p.link };
  }
  const user = t.user(p.principal!);
  const group = user ? undefined : t.group(p.principal!);
  if (!user && !group) {
    c.add(at(path, 'principal'), `principal '${p.principal}' is not a user or group of tenant '${t.record.displayName}'`);
    return null;
  }
  return { itemId, principalType: user ? 'user' : 'group', principalId: (user ?? group)!.id, role: p.role, linkScope: null };
}

type AddPermissions = (list: SitePermissionInput[] | undefined, itemId: string, path: string) => void;

function prepareDriveItems(c: Checker, t: TenantIndex, inputs: DriveItemInput[], site: SiteRecord, path: string, addPermissions: AddPermissions): DriveItemRecord[] {
  const byPath = new Map<string, DriveItemRecord>();
  const out: DriveItemRecord[] = [];
  const folder = (p: string, modified: string): string | null => {
    if (p === '') return null;
    const key = lower(p);
    const existing = byPath.get(key);
    if (existing) return existing.id;
    const parentPath = p.slice(0, p.lastIndexOf('/'));
    const parentId = folder(parentPath, modified);
    const rec: DriveItemRecord = {
      id: deriveGuid('driveItem', site.id, key), parentId, name: p.slice(p.lastIndexOf('/') + 1), path: p, isFolder: true,
      sizeBytes: 0, contentHash: null, versions: [], createdBy: site.ownerUserId, modifiedDateTime: modified,
    };
    byPath.set(key, rec);
    out.push(rec);
    return rec.id;
  };
  inputs.forEach((it, i) => {
    const p = `/${it.path.split('/').filter(Boolean).join('/')}`;
    const key = lower(p);
    const ip = at(path, 'items', i);
    if (byPath.has(key)) {
      c.add(at(ip, 'path'), `path '${p}' is listed twice (paths are case-insensitive)`);
      return;
    }
    c.guid(at(ip, 'id'), it.id, 'item id');
    const author = it.createdBy ? t.user(it.createdBy) : undefined;
    if (it.createdBy && !author) c.add(at(ip, 'createdBy'), `createdBy '${it.createdBy}' is not a user of tenant '${t.record.displayName}'`);
    const modified = time(it.modifiedDateTime, site.createdDateTime);
    const size = it.folder ? 0 : (it.sizeBytes ?? 50_000);
    const rec: DriveItemRecord = {
      id: lower(it.id ?? deriveGuid('driveItem', site.id, key)),
      parentId: folder(p.slice(0, p.lastIndexOf('/')), modified),
      name: p.slice(p.lastIndexOf('/') + 1),
      path: p,
      isFolder: it.folder ?? false,
      sizeBytes: size,
      contentHash: it.folder ? null : hex32('content', site.id, key, String(size)),
      versions: (it.versions ?? []).map((v, k) => ({
        label: v.label ?? `${k + 1}.0`, sizeBytes: v.sizeBytes ?? size, contentHash: hex32('content', site.id, key, String(k)), modifiedDateTime: time(v.modifiedDateTime, modified),
      })),
      createdBy: author?.id ?? site.ownerUserId,
      modifiedDateTime: modified,
    };
    byPath.set(key, rec);
    out.push(rec);
    addPermissions(it.permissions, rec.id, ip);
  });
  return out;
}

export function prepareChat(c: Checker, t: TenantIndex, ch: ChatInput, path: string, now: string): PreparedChat {
  const members: string[] = [];
  ch.members.forEach((m, i) => {
    const u = t.user(m);
    if (!u) c.add(at(path, 'members', i), `member '${m}' is not a user of tenant '${t.record.displayName}'`);
    else if (members.includes(u.id)) c.add(at(path, 'members', i), `member '${m}' is listed twice`);
    else members.push(u.id);
  });
  if (ch.chatType === 'oneOnOne' && ch.members.length !== 2) c.add(at(path, 'members'), `a oneOnOne chat has exactly two members, not ${ch.members.length}`);
  const creator = ch.createdBy ? t.user(ch.createdBy)?.id : members[0];
  if (ch.createdBy && (!creator || !members.includes(creator))) c.add(at(path, 'createdBy'), `createdBy '${ch.createdBy}' is not a member of the chat`);
  const id = ch.id ?? (ch.chatType === 'oneOnOne' && members.length === 2 ? oneOnOneChatId(members[0]!, members[1]!) : groupChatId(hex32('chat', t.id, ch.topic ?? '', ...ch.members.map(lower))));
  const earlier = c.claim(`chat:${t.id}:${id}`, path);
  if (earlier) c.add(at(path, 'id'), `chat id '${id}' is used twice (also at ${earlier})`);
  const createdAt = time(ch.createdDateTime, now);
  let last = Date.parse(createdAt);
  const ids = new Set<string>();
  const messages = ch.messages?.map((m, i): ChatMessageRecord => {
    const mp = at(path, 'messages', i);
    const from = m.from ? t.user(m.from)?.id : null;
    if (m.from && (!from || !members.includes(from))) c.add(at(mp, 'from'), `sender '${m.from}' is not a member of the chat`);
    const created = time(m.createdDateTime, new Date(last + 60_000).toISOString());
    last = Date.parse(created);
    const mid = m.id ?? String(last);
    if (ids.has(mid)) c.add(at(mp, m.id ? 'id' : 'createdDateTime'), `message id '${mid}' is used twice in this chat (ids default to the sent time in ms)`);
    ids.add(mid);
    return { id: mid, fromUserId: from ?? null, body: m.body, messageType: m.messageType ?? 'message', createdDateTime: created };
  }) ?? null;
  return {
    record: { tenantId: t.id, id, chatType: ch.chatType, topic: ch.topic ?? null, createdBy: creator ?? null, createdDateTime: createdAt, migratedTo: null, members },
    messages,
  };
}

export function prepareMeeting(c: Checker, t: TenantIndex, m: MeetingInput, path: string): MeetingRecord {
  const organizer = t.user(m.organizer);
  if (!organizer) c.add(at(path, 'organizer'), `organizer '${m.organizer}' is not a user of tenant '${t.record.displayName}'`);
  c.guid(at(path, 'id'), m.id, 'meeting id');
  const attendees = (m.attendees ?? []).map((a, i) => {
    const u = t.user(a);
    if (!u && !SMTP_RE.test(a)) c.add(at(path, 'attendees', i), `attendee '${a}' is neither a user of the tenant nor an SMTP address`);
    return u?.id ?? a;
  });
  const start = time(m.startDateTime, '');
  const end = time(m.endDateTime, '');
  const last = time(m.lastOccurrenceDateTime, start);
  if (end < start) c.add(at(path, 'endDateTime'), 'endDateTime is before startDateTime');
  if (last < start) c.add(at(path, 'lastOccurrenceDateTime'), 'lastOccurrenceDateTime is before startDateTime');
  const id = lower(m.id ?? deriveGuid('meeting', t.id, lower(m.organizer), m.subject, start));
  const earlier = c.claim(`meeting:${t.id}:${id}`, path);
  if (earlier) c.add(at(path, 'id'), `meeting id ${id} is used twice (also at ${earlier})`);
  return {
    tenantId: t.id, id, organizerId: organizer?.id ?? '', subject: m.subject, startDateTime: start, endDateTime: end,
    lastOccurrenceDateTime: last, isRecurring: m.isRecurring ?? false, attendees, attendeeCount: m.attendeeCount ?? attendees.length,
    meetingKind: m.meetingKind ?? 'meeting', isCancelled: m.isCancelled ?? false, sensitivity: m.sensitivity ?? 'normal',
    calendar: m.calendar ?? 'default', organizedByResource: m.organizedByResource ?? false,
    joinUrl: m.joinUrl ?? teamsJoinUrl(id),
  };
}

export function teamsJoinUrl(meetingId: string): string {
  return `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${meetingId.replace(/-/g, '')}%40thread.v2/0`;
}

/** CTIM identity, held by the target tenant `t`. */
export function prepareIdentityMapping(c: Checker, t: TenantIndex, m: IdentityMappingInput, path: string, now: string): IdentityMappingRecord | null {
  const source = c.index.tenantByRef(m.sourceTenant);
  if (!source) c.add(at(path, 'sourceTenant'), `source tenant '${m.sourceTenant}' is not a known tenant (id or verified domain)`);
  else if (source.id === t.id) c.add(at(path, 'sourceTenant'), 'the source tenant of an identity mapping is another tenant than the one holding it');
  const su = source?.user(m.sourceUser);
  if (source && !su) c.add(at(path, 'sourceUser'), `source user '${m.sourceUser}' is not a user of tenant '${source.record.displayName}'`);
  const tu = m.targetUser ? t.user(m.targetUser) : undefined;
  if (m.targetUser && !tu) c.add(at(path, 'targetUser'), `target user '${m.targetUser}' is not a user of tenant '${t.record.displayName}'`);
  if (m.state !== 'Unmapped' && !m.targetUser) c.add(at(path, 'targetUser'), `a ${m.state} identity has a target user`);
  if (su && source) {
    const earlier = c.claim(`ctim:${t.id}:${source.id}:${su.id}`, path);
    if (earlier) c.add(at(path, 'sourceUser'), `source user '${m.sourceUser}' is mapped twice (also at ${earlier})`);
  }
  if (!source || !su) return null;
  return { targetTenantId: t.id, sourceTenantId: source.id, sourceUserId: su.id, targetUserId: tu?.id ?? null, state: m.state, updatedDateTime: time(m.updatedDateTime, now) };
}

// The SharePoint identity map is an uploaded CSV: SharePoint checks its shape and one-to-one rule only,
// not that the users exist (MnATargetUserDoesNotExist is a move-time error), so neither do we.
export function checkSpoUserMapping(c: Checker, t: TenantIndex, m: SpoUserMappingRecord, path: string): void {
  c.guid(at(path, 'sourceOrganizationId'), m.sourceOrganizationId, 'sourceOrganizationId');
  const earlier = c.claim(`spoUser:${t.id}:${lower(m.sourceUserPrincipalName)}`, path);
  if (earlier) c.add(at(path, 'sourceUserPrincipalName'), `source user '${m.sourceUserPrincipalName}' is mapped twice (the map is one-to-one; also at ${earlier})`);
}

export function checkSpoGroupMapping(c: Checker, t: TenantIndex, m: SpoGroupMappingRecord, path: string): void {
  for (const k of ['sourceOrganizationId', 'sourceGroupId', 'targetGroupId'] as const) if (!isGuid(m[k])) c.add(at(path, k), `${k} '${m[k]}' is not a valid GUID`);
  const earlier = c.claim(`spoGroup:${t.id}:${m.sourceGroupId}`, path);
  if (earlier) c.add(at(path, 'sourceGroupId'), `source group ${m.sourceGroupId} is mapped twice (the map is one-to-one; also at ${earlier})`);
}
