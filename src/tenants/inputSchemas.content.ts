// Schemas of listed content: mailbox folders and items, sites / OneDrives with files, chats, meetings.
// Large tenants generate this content instead (scenario `generate`); these are for hand-written rows.
import { Type, type Static } from 'typebox';
import { Bytes, DateTime, Guid, HttpsUrl, Obj, Opt, Ref, SmtpAddress, Text, Toggle } from './inputSchemas.fields.js';

export const SiteKinds = ['OneDrive', 'Site', 'GroupSite', 'Redirect'] as const;
export const SiteStates = ['ReadWrite', 'ReadOnly', 'NoAccess'] as const;
export const PermissionRoles = ['read', 'write', 'owner'] as const;
export const LinkScopes = ['anonymous', 'organization', 'users'] as const;
export const ChatTypes = ['oneOnOne', 'group', 'meeting'] as const;
export const MeetingKinds = ['meeting', 'channelMeeting', 'liveEvent', 'webinar', 'townhall'] as const;
export const Sensitivities = ['normal', 'confidential', 'highlyConfidential'] as const;

export const MailFolderInput = Obj({
  id: Opt(Guid('Folder id; default derived.')),
  displayName: Text('Folder name, unique within its parent.'),
  parent: Opt(Text('Parent folder: a well-known name (inbox, …) or a custom folder displayName; default the top of the mailbox.')),
}, 'A custom mail folder.');

export const MailItemInput = Obj({
  id: Opt(Guid('Item id; default derived.')),
  folder: Text('Folder: a well-known name (inbox, sentitems, calendar, contacts, tasks, recoverableitemsdeletions, …) or a custom folder displayName.'),
  itemClass: Opt(Type.String({ pattern: '^IPM\\.', description: 'Message class: IPM.Note (default), IPM.Appointment, IPM.Contact, IPM.Task.' })),
  subject: Text('Subject.', 0),
  from: Opt(Type.Union([SmtpAddress('Sender'), Type.Null()], { description: 'Sender address.' })),
  receivedDateTime: Opt(DateTime('Received (or created) time; default the load time.')),
  sizeBytes: Opt(Bytes('Item size; default 20,000.')),
  isRead: Toggle('Read flag; default false.'),
  bodyPreview: Opt(Type.String({ description: 'First characters of the body.' })),
}, 'A mailbox item.');

export const SitePermissionInput = Obj({
  principal: Opt(Ref('A user (UPN or id) or a group (id, displayName or mailNickname) of the tenant.')),
  link: Opt(Type.Enum(LinkScopes, { description: 'A sharing link of this scope instead of a principal.' })),
  linkId: Opt(Text('Sharing link id; default derived.')),
  role: Type.Enum(PermissionRoles, { description: 'Granted role.' }),
}, 'A permission on a site or item: a principal or a sharing link.');

export const DriveItemVersionInput = Obj({
  label: Opt(Text('Version label, e.g. 1.0; default numbered.')),
  sizeBytes: Opt(Bytes('Size of this version; default the current size.')),
  modifiedDateTime: Opt(DateTime('When this version was saved.')),
}, 'An earlier version of a file.');

export const DriveItemInput = Obj({
  id: Opt(Guid('Item id; default derived from the path.')),
  path: Type.String({ pattern: '^/[^\\s].*$', description: 'Path below the document library root, e.g. /Projects/plan.docx; parent folders are created.' }),
  folder: Toggle('A folder rather than a file.'),
  sizeBytes: Opt(Bytes('File size; default 50,000 (folders 0).')),
  versions: Opt(Type.Array(DriveItemVersionInput, { description: 'Older versions (the item itself is the current one).' })),
  createdBy: Opt(Ref('Author: a user UPN or id.')),
  modifiedDateTime: Opt(DateTime('Last modified; default the load time.')),
  permissions: Opt(Type.Array(SitePermissionInput, { description: 'Unique permissions on the item.' })),
}, 'A file or folder in a site document library.');

export const SiteInput = Obj({
  id: Opt(Guid('Site id; default derived from the URL.')),
  kind: Type.Enum(SiteKinds, { description: 'OneDrive, Site, GroupSite (group-connected) or Redirect.' }),
  url: Opt(HttpsUrl('Absolute URL; a OneDrive defaults to <mySiteHost>/personal/<upn>.')),
  title: Opt(Text('Title; default from the owner, group or URL.')),
  template: Opt(Text('Web template; default SPSPERS#10, STS#3, GROUP#0 or RedirectSite#0 by kind.')),
  owner: Opt(Ref('OneDrive owner (UPN or id); required for a OneDrive.')),
  group: Opt(Ref('Microsoft 365 group (id or mailNickname); required for a GroupSite.')),
  state: Opt(Type.Enum(SiteStates, { description: 'Lock state; default ReadWrite.' })),
  redirectUrl: Opt(Type.Union([HttpsUrl('Target URL'), Type.Null()], { description: 'Where a Redirect site points.' })),
  storageQuotaBytes: Opt(Bytes('Storage quota; default 1 TiB.')),
  permissions: Opt(Type.Array(SitePermissionInput, { description: 'Site-level permissions (the owner is added for a OneDrive).' })),
  items: Opt(Type.Array(DriveItemInput, { description: 'Files and folders.' })),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
}, 'A SharePoint site or OneDrive.');

export const ChatMessageInput = Obj({
  id: Opt(Text('Message id; default the creation time in epoch milliseconds, as Teams does.')),
  from: Opt(Type.Union([Ref('Sender: a member UPN or id.'), Type.Null()], { description: 'Sender; null for system messages.' })),
  body: Type.String({ description: 'Message text.' }),
  messageType: Opt(Type.Enum(['message', 'systemEventMessage'], { description: 'Message type; default message.' })),
  createdDateTime: Opt(DateTime('Sent time; default one minute after the previous message.')),
}, 'A chat message.');

export const ChatInput = Obj({
  id: Opt(Text('Thread id, e.g. 19:…@thread.v2; default derived.')),
  chatType: Type.Enum(ChatTypes, { description: 'oneOnOne (exactly two members), group or meeting.' }),
  topic: Opt(Type.Union([Type.String(), Type.Null()], { description: 'Topic of a group chat.' })),
  createdBy: Opt(Ref('Creator (a member); default the first member.')),
  createdDateTime: Opt(DateTime('Creation time; default the load time.')),
  members: Type.Array(Ref('A user UPN or id of the tenant.'), { minItems: 1, description: 'Members.' }),
  messages: Opt(Type.Array(ChatMessageInput, { description: 'Messages, oldest first.' })),
}, 'A Teams chat.');

export const MeetingInput = Obj({
  id: Opt(Guid('Meeting id; default derived.')),
  organizer: Ref('Organizer: a user UPN or id of the tenant.'),
  subject: Text('Subject.', 0),
  startDateTime: DateTime('Start of the (first) occurrence.'),
  endDateTime: DateTime('End of the (first) occurrence.'),
  lastOccurrenceDateTime: Opt(DateTime('Start of the last occurrence (meeting chats older than 60 days are not kept); default startDateTime.')),
  isRecurring: Toggle('Recurring series.'),
  attendees: Opt(Type.Array(Ref('Attendee: a user UPN or id, or an external SMTP address.'), { description: 'Attendees.' })),
  attendeeCount: Opt(Type.Integer({ minimum: 0, description: 'Number of attendees (over 250 are not migrated); default the listed count.' })),
  meetingKind: Opt(Type.Enum(MeetingKinds, { description: 'meeting (default), channelMeeting, liveEvent, webinar or townhall.' })),
  isCancelled: Toggle('Cancelled meeting.'),
  sensitivity: Opt(Type.Enum(Sensitivities, { description: 'Sensitivity label; confidential ones are not migrated.' })),
  calendar: Opt(Type.Enum(['default', 'other'], { description: 'Calendar holding it; only the default calendar migrates.' })),
  organizedByResource: Toggle('Organized by a resource mailbox.'),
  joinUrl: Opt(HttpsUrl('Teams join URL; default derived.')),
}, 'A Teams meeting organized by a user.');

export type MailFolderInput = Static<typeof MailFolderInput>;
export type MailItemInput = Static<typeof MailItemInput>;
export type SitePermissionInput = Static<typeof SitePermissionInput>;
export type DriveItemInput = Static<typeof DriveItemInput>;
export type SiteInput = Static<typeof SiteInput>;
export type ChatMessageInput = Static<typeof ChatMessageInput>;
export type ChatInput = Static<typeof ChatInput>;
export type MeetingInput = Static<typeof MeetingInput>;
