// Generated rows, streamed: each pass walks the people in the order of its table's primary key (append-
// only B-tree inserts) and yields after each person so an async sink can flush. Each person and content
// kind has its own seeded stream, so passes are independent and output is the same whatever the order.
import { deriveGuid, guidSequence, isoFast as iso, oneDriveUrl, Prng } from '../ids.js';
import { DEFAULT_QUOTAS, WELL_KNOWN_FOLDERS } from '../../domain/tenantVocabulary.js';
import { lower } from '../../domain/naturalKeys.js';
import { mailItemIds, wellKnownFolders } from '../normalize.js';
import { emitMailboxContent, recipientRow } from '../tableRows.js';
import type { Emit } from '../../store/tenantSink.js';
import { teamsJoinUrl } from '../invariants.content.js';
import { emitPersonDirectory, personRecords, type GenerationPlan, type Person } from './generate.js';
import { CHAT_LINES, DRIVE_FOLDERS, FILE_EXTENSIONS, FILE_STEMS, PREVIEWS, SUBJECTS, TOPICS } from './words.js';

const DAY = 86_400_000;
const FOLDER_INDEX = new Map<string, number>(WELL_KNOWN_FOLDERS.map((f, k) => [f.name, k]));

/** Mailbox item mix (cumulative share, well-known folder, message class); Outbox and the Teams folder don't migrate. */
const MAIL_MIX = ([
  [0.55, 'inbox', 'IPM.Note'], [0.7, 'sentitems', 'IPM.Note'], [0.74, 'deleteditems', 'IPM.Note'], [0.78, 'archive', 'IPM.Note'],
  [0.8, 'drafts', 'IPM.Note'], [0.88, 'calendar', 'IPM.Appointment'], [0.93, 'contacts', 'IPM.Contact'], [0.96, 'tasks', 'IPM.Task'],
  [0.975, 'recoverableitemsdeletions', 'IPM.Note'], [0.985, 'recoverableitemsversions', 'IPM.Note'], [0.99, 'recoverableitemspurges', 'IPM.Note'],
  [0.995, 'teamchat', 'IPM.SkypeTeams.Message'], [1, 'outbox', 'IPM.Note'],
] as const).map(([upTo, folder, cls]) => ({
  upTo, folder, cls, folderIndex: FOLDER_INDEX.get(folder)!, recoverable: folder.startsWith('recoverable'), note: cls === 'IPM.Note',
}));
const sortedBy = (people: Person[], key: (p: Person) => string): Person[] => [...people].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** All generated rows, pass by pass; yields after every person. */
export function* generatedRows(plan: GenerationPlan, emit: Emit, now: string): Generator<void> {
  for (const p of plan.people) {
    emitPersonDirectory(plan, p, personRecords(plan, p, now), emit, now);
    yield;
  }
  const bySourceId = sortedBy(plan.people, (x) => x.sourceId);
  for (const p of bySourceId) {
    emitMailbox(plan, p, emit, now);
    yield;
  }
  const sites = plan.people.filter((p) => !p.faults.has('oneDriveMissing')).map((p) => ({ p, url: oneDriveUrl(plan.source.mySiteHost, p.sourceUpn) }))
    .map((x) => ({ ...x, id: deriveGuid('site', plan.source.id, lower(x.url)) })).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const s of sites) {
    emitOneDrive(plan, s.p, s.url, s.id, emit, now);
    yield;
  }
  for (const p of bySourceId) {
    emitChats(plan, p, emit);
    emitMeetings(plan, p, emit);
    yield;
  }
}

/** Well-known folders, items, then the source recipient with the sizes the items add up to. */
function emitMailbox(plan: GenerationPlan, p: Person, emit: Emit, now: string): void {
  const tid = plan.source.id;
  const uid = p.sourceId;
  const recs = personRecords(plan, p, now);
  const itemId = mailItemIds(tid, uid);
  const folders = wellKnownFolders(tid, uid);
  emitMailboxContent(tid, uid, folders, [], emit);
  const rnd = new Prng(plan.seed, 'mail', uid);
  const people = plan.people;
  let main = 0;
  let dumpster = 0;
  const folderIds = folders.map((f) => f.id);
  for (let j = 0; j < plan.mailItemsPerUser; j++) {
    const r = rnd.float();
    const kind = MAIL_MIX.find((m) => r < m.upTo) ?? MAIL_MIX[MAIL_MIX.length - 1]!;
    const size = kind.note ? 2_000 + Math.floor(148_000 * rnd.float() ** 3) : 1_000 + rnd.int(0, 19_000);
    if (kind.recoverable) dumpster += size;
    else main += size;
    const from = kind.folder === 'inbox' ? people[rnd.int(0, people.length - 1)]!.sourceUpn : kind.note ? p.sourceUpn : null;
    const received = iso(plan.anchorMs - rnd.int(0, 365 * 24 * 3600) * 1000);
    emit('mail_items', {
      tenant_id: tid, user_id: uid, id: itemId(j), folder_id: folderIds[kind.folderIndex]!, item_class: kind.cls,
      subject: `${rnd.pick(SUBJECTS)} ${rnd.pick(TOPICS)}`, from_address: from, received_at: received, size_bytes: size,
      body_preview: rnd.pick(PREVIEWS), content_hash: rnd.hex(16), is_read: rnd.chance(0.8) ? 1 : 0, last_modified_at: received,
    });
  }
  const mbx = recs.source.mailbox;
  mbx.mailboxSizeBytes = main;
  if (!p.faults.has('dumpsterOverQuota')) mbx.recoverableItemsSizeBytes = dumpster;
  emit('recipients', recipientRow(tid, uid, mbx, true, now));
  // a target licensed too early got its own (empty) mailbox
  if (recs.target?.mailbox) emitMailboxContent(plan.target.id, p.targetId, wellKnownFolders(plan.target.id, p.targetId), [], emit);
}

function emitOneDrive(plan: GenerationPlan, p: Person, url: string, siteId: string, emit: Emit, now: string): void {
  const tid = plan.source.id;
  const rnd = new Prng(plan.seed, 'onedrive', p.sourceId);
  emit('sites', {
    tenant_id: tid, id: siteId, url, url_key: lower(url), kind: 'OneDrive', template: 'SPSPERS#10', title: p.displayName, owner_user_id: p.sourceId,
    group_id: null, state: p.faults.has('oneDriveReadOnly') ? 'ReadOnly' : 'ReadWrite', redirect_url: null,
    storage_quota_bytes: DEFAULT_QUOTAS.oneDriveStorageQuotaBytes, created_at: iso(plan.anchorMs - 400 * DAY),
  });
  const perm = (itemId: string, type: string, principal: string, role: string, scope: string | null) => emit('permissions', {
    tenant_id: tid, site_id: siteId, item_id: itemId, principal_type: type, principal_id: principal, role, link_scope: scope,
  });
  perm('', 'user', p.sourceId, 'owner', null);
  const id = guidSequence('driveItems', tid, siteId);
  const folderIds = new Map<string, string>([['', '']]);
  const folder = (path: string, k: number) => {
    const parent = path.slice(0, path.lastIndexOf('/'));
    folderIds.set(path, id(k));
    emitDriveItem(emit, tid, siteId, id(k), folderIds.get(parent) || null, path, true, 0, null, '[]', p.sourceId, iso(plan.anchorMs - 300 * DAY));
  };
  DRIVE_FOLDERS.forEach((f, k) => folder(f, k));
  let longPath: string | undefined;
  if (p.faults.has('longPath')) {
    // two long (legal, < 255 characters) folder names: the target URL + /Documents + path passes 400 characters
    const a = `/Archive/${'Project documentation and supporting material for the regional rollout '.repeat(3).slice(0, 200).trim()}`;
    const b = `${a}/${'Final reviewed versions kept for the records retention schedule '.repeat(3).slice(0, 150).trim()}`;
    folder(a, DRIVE_FOLDERS.length);
    folder(b, DRIVE_FOLDERS.length + 1);
    longPath = `${b}/Signed agreement - final version.docx`;
  }
  const files = Math.max(plan.filesPerUser, longPath ? 1 : 0);
  const people = plan.people;
  for (let j = 0; j < files; j++) {
    const itemId = id(10 + j);
    const parentPath = rnd.chance(0.3) ? '' : DRIVE_FOLDERS[rnd.int(0, DRIVE_FOLDERS.length - 1)]!;
    const path = j === files - 1 && longPath ? longPath : `${parentPath}/${rnd.pick(FILE_STEMS)} ${j + 1}${rnd.pick(FILE_EXTENSIONS)}`;
    const size = 5_000 + Math.floor(5_000_000 * rnd.float() ** 4);
    const modified = plan.anchorMs - rnd.int(0, 300) * DAY;
    const nVersions = rnd.int(0, 3);
    let versions = '[]';
    if (nVersions) {
      const v = [];
      for (let k = 0; k < nVersions; k++) v.push({ label: `${k + 1}.0`, sizeBytes: Math.max(1_000, size - (nVersions - k) * 700), contentHash: rnd.hex(16), modifiedAt: iso(modified - (nVersions - k) * DAY) });
      versions = JSON.stringify(v);
    }
    emitDriveItem(emit, tid, siteId, itemId, folderIds.get(path.slice(0, path.lastIndexOf('/'))) || null, path, false, size, rnd.hex(16), versions, p.sourceId, iso(modified));
    const share = rnd.float();
    if (share < 0.08 && people.length > 1) {
      const peer = people[(p.n + 1 + rnd.int(0, people.length - 2)) % people.length]!;
      perm(itemId, 'user', peer.sourceId, rnd.chance(0.5) ? 'read' : 'write', null);
    } else if (share < 0.12) {
      const scope = rnd.pick(['organization', 'organization', 'organization', 'anonymous', 'users']);
      perm(itemId, 'link', deriveGuid('link', siteId, itemId), rnd.chance(0.8) ? 'read' : 'write', scope);
    }
  }
}

function emitDriveItem(emit: Emit, tid: string, siteId: string, id: string, parentId: string | null, path: string, isFolder: boolean, size: number,
  hash: string | null, versions: string, createdBy: string, modified: string): void {
  emit('drive_items', {
    tenant_id: tid, site_id: siteId, id, parent_id: parentId, name: path.slice(path.lastIndexOf('/') + 1), path, is_folder: isFolder ? 1 : 0,
    size_bytes: size, content_hash: hash, versions, created_by: createdBy, modified_at: modified,
  });
}

/** Chats the person created: 1:1 with distinct neighbours (no pair twice), group chats with 2-4 others. */
function emitChats(plan: GenerationPlan, p: Person, emit: Emit): void {
  const people = plan.people;
  const n = people.length;
  const total = plan.chatsPerUser;
  if (!total || n < 2) return;
  const tid = plan.source.id;
  const rnd = new Prng(plan.seed, 'chats', p.sourceId);
  const maxOneOnOne = Math.floor((n - 1) / 2);
  const oneOnOne = Math.min(Math.round(total * 0.6), maxOneOnOne);
  const chats = n >= 3 ? total : oneOnOne;
  const offsets = distinct(rnd, oneOnOne, 1, maxOneOnOne);
  // thread ids: creator id prefix (keeps inserts in key order) + a hash of the creator (unique) + counter
  const groupPrefix = p.sourceId.slice(0, 8) + deriveGuid('groupChat', plan.seed, p.sourceId).replace(/-/g, '').slice(0, 16);
  for (let c = 0; c < chats; c++) {
    const isOneOnOne = c < oneOnOne;
    const members = isOneOnOne ? [p, people[(p.n + offsets[c]!) % n]!]
      : [p, ...distinct(rnd, Math.min(rnd.int(2, 4), n - 1), 1, n - 1).map((o) => people[(p.n + o) % n]!)];
    const chatId = isOneOnOne ? `19:${p.sourceId}_${members[1]!.sourceId}@unq.gbl.spaces` : `19:${groupPrefix}${c.toString(16).padStart(8, '0')}@thread.v2`;
    let t = plan.anchorMs - rnd.int(1, 120) * DAY;
    emit('chats', { tenant_id: tid, id: chatId, chat_type: isOneOnOne ? 'oneOnOne' : 'group', topic: isOneOnOne ? null : `${rnd.pick(TOPICS)} team`, created_by: p.sourceId, created_at: iso(t), migrated_to: null });
    for (const m of [...members].sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1))) {
      emit('chat_members', { tenant_id: tid, chat_id: chatId, user_id: m.sourceId, roles: !isOneOnOne && m === p ? '["owner"]' : '[]' });
    }
    const count = Math.floor(plan.chatMessagesPerUser / chats) + (c < plan.chatMessagesPerUser % chats ? 1 : 0);
    for (let k = 0; k < count; k++) {
      t += rnd.int(1, 90) * 60_000 + rnd.int(0, 59_999);
      emit('chat_messages', {
        tenant_id: tid, chat_id: chatId, id: String(t), from_user_id: members[rnd.int(0, members.length - 1)]!.sourceId, body: rnd.pick(CHAT_LINES),
        message_type: 'message', created_at: iso(t),
      });
    }
  }
}

/** `count` distinct integers in [min, max]. */
function distinct(rnd: Prng, count: number, min: number, max: number): number[] {
  const out = new Set<number>();
  while (out.size < Math.min(count, max - min + 1)) out.add(rnd.int(min, max));
  return [...out];
}

/** Meetings the person organizes; a few carry the attributes that keep a meeting from migrating. */
function emitMeetings(plan: GenerationPlan, p: Person, emit: Emit): void {
  const tid = plan.source.id;
  const rnd = new Prng(plan.seed, 'meetings', p.sourceId);
  const id = guidSequence('meetings', tid, p.sourceId);
  const people = plan.people;
  for (let k = 0; k < plan.meetingsPerUser; k++) {
    const start = plan.anchorMs + (rnd.int(-90, 30) * DAY) - (plan.anchorMs % 3_600_000);
    const recurring = rnd.chance(0.2);
    const odd = rnd.float(); // ~12% carry one attribute that keeps them from migrating
    const attendees = people.length > 1 ? distinct(rnd, Math.min(rnd.int(1, 5), people.length - 1), 1, people.length - 1).map((o) => people[(p.n + o) % people.length]!.sourceId) : [];
    if (rnd.chance(0.3)) attendees.push('partner@northwind.example.com');
    const meetingId = id(k);
    emit('meetings', {
      tenant_id: tid, id: meetingId, organizer_id: p.sourceId, subject: `${rnd.pick(SUBJECTS)} ${rnd.pick(TOPICS)}`, start_at: iso(start),
      end_at: iso(start + rnd.pick([30, 30, 60, 90]) * 60_000), last_occurrence_at: iso(recurring ? start + rnd.int(1, 20) * 7 * DAY : start),
      is_recurring: recurring ? 1 : 0, attendees: JSON.stringify(attendees), attendee_count: odd < 0.02 ? 300 : attendees.length,
      meeting_kind: odd >= 0.02 && odd < 0.04 ? 'channelMeeting' : odd >= 0.04 && odd < 0.05 ? 'webinar' : 'meeting', is_cancelled: odd >= 0.05 && odd < 0.07 ? 1 : 0,
      sensitivity: odd >= 0.07 && odd < 0.09 ? 'confidential' : 'normal', calendar: odd >= 0.09 && odd < 0.11 ? 'other' : 'default',
      organized_by_resource: odd >= 0.11 && odd < 0.12 ? 1 : 0, join_url: teamsJoinUrl(meetingId),
    });
  }
}
