// Outlook reads: /users/{id}/mailFolders[/{id|wellKnownName}[/childFolders|/messages]], /users/{id}/messages,
// /users/{id}/events and /users/{id}/contacts. Items are one table told apart by item class
// (IPM.Note, IPM.Appointment, IPM.Contact); a user without a mailbox gets MailboxNotEnabledForRESTAPI.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import type { MailItemsTable, UsersTable } from '../../store/schema.js';
import { directoryRepo } from '../../store/directoryRepo.js';
import { mailRepo, type FolderRow } from '../../store/mailRepo.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyed, keyParam, requireUser, sendEntity, tenantOf, type Db, type Entity } from './common.js';
import { eventToGraph, contactToGraph, messageToGraph } from './mailSerialize.js';

/** Folders that are not mail folders (listed elsewhere in Graph) or hidden from /mailFolders. */
const NON_MAIL_FOLDERS = ['calendar', 'contacts', 'tasks'];
const HIDDEN_FOLDERS = ['teamchat'];

const FOLDER_FIELDS: FieldMap = {
  id: { column: 'f.id', type: 'string' },
  displayName: { column: 'f.display_name', type: 'string', caseInsensitive: true },
  parentFolderId: { column: 'f.parent_folder_id', type: 'string' },
};
export const FOLDER_PROPERTIES = ['id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'isHidden'] as const;
const folderOptions = collectionOptions({
  typeName: 'microsoft.graph.mailFolder', fields: FOLDER_FIELDS, selectable: FOLDER_PROPERTIES, orderBy: [{ field: 'displayName', direction: 'asc' }], keyColumn: 'f.id',
});

const COMMON_ITEM_FIELDS: FieldMap = {
  id: { column: 'id', type: 'string' },
  createdDateTime: { column: 'received_at', type: 'datetime' },
  lastModifiedDateTime: { column: 'last_modified_at', type: 'datetime' },
  parentFolderId: { column: 'folder_id', type: 'string' },
};
const MESSAGE_FIELDS: FieldMap = {
  ...COMMON_ITEM_FIELDS,
  subject: { column: 'subject', type: 'string', caseInsensitive: true },
  receivedDateTime: { column: 'received_at', type: 'datetime' },
  sentDateTime: { column: 'received_at', type: 'datetime' },
  isRead: { column: 'is_read', type: 'bool' },
  'from/emailAddress/address': { column: 'from_address', type: 'string', caseInsensitive: true },
};
const EVENT_FIELDS: FieldMap = { ...COMMON_ITEM_FIELDS, subject: { column: 'subject', type: 'string', caseInsensitive: true }, 'start/dateTime': { column: 'received_at', type: 'datetime' } };
const CONTACT_FIELDS: FieldMap = { ...COMMON_ITEM_FIELDS, displayName: { column: 'subject', type: 'string', caseInsensitive: true } };

export type ItemKind = 'message' | 'event' | 'contact';
export const KINDS: Record<ItemKind, { classes: string; typeName: string; set: string; fields: FieldMap; orderField: string; selectable: readonly string[]; toGraph: (r: MailItemsTable) => Entity }> = {
  message: {
    classes: 'IPM.Note', typeName: 'microsoft.graph.message', set: 'messages', toGraph: messageToGraph, fields: MESSAGE_FIELDS, orderField: 'receivedDateTime',
    selectable: ['id', 'createdDateTime', 'lastModifiedDateTime', 'receivedDateTime', 'sentDateTime', 'hasAttachments', 'subject', 'bodyPreview', 'importance', 'parentFolderId', 'isRead', 'isDraft', 'body', 'sender', 'from', 'toRecipients', 'ccRecipients', 'bccRecipients'],
  },
  event: {
    classes: 'IPM.Appointment', typeName: 'microsoft.graph.event', set: 'events', toGraph: eventToGraph, fields: EVENT_FIELDS, orderField: 'createdDateTime',
    selectable: ['id', 'createdDateTime', 'lastModifiedDateTime', 'subject', 'bodyPreview', 'body', 'isCancelled', 'isAllDay', 'start', 'end', 'location', 'attendees', 'organizer'],
  },
  contact: {
    classes: 'IPM.Contact', typeName: 'microsoft.graph.contact', set: 'contacts', toGraph: contactToGraph, fields: CONTACT_FIELDS, orderField: 'displayName',
    selectable: ['id', 'createdDateTime', 'lastModifiedDateTime', 'parentFolderId', 'displayName', 'givenName', 'surname', 'emailAddresses', 'businessPhones', 'mobilePhone', 'companyName', 'jobTitle'],
  },
};

export function folderToGraph(f: FolderRow): Entity {
  return {
    id: f.id,
    displayName: f.display_name,
    parentFolderId: f.parent_folder_id,
    childFolderCount: Number(f.child_count),
    unreadItemCount: Number(f.unread_count),
    totalItemCount: Number(f.total_count),
    isHidden: f.well_known_name !== null && HIDDEN_FOLDERS.includes(f.well_known_name),
  };
}

/** The mailbox owner: unknown user → ErrorInvalidUser; no mailbox (e.g. a MailUser, as a source is after cutover) → MailboxNotEnabledForRESTAPI. */
export async function requireMailbox(db: Db, req: FastifyRequest): Promise<UsersTable> {
  const user = await requireUser(db, tenantOf(req), keyParam(req, 'userKey'), Errors.invalidMailboxUser);
  if ((await directoryRepo.recipientType(db, user.tenant_id, user.id)) !== 'UserMailbox') throw Errors.mailboxNotEnabled();
  return user;
}

export function mailRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const mailConfig = { permissions: DirectoryPermissions.mail };
  const box = (user: UsersTable) => ({ tenantId: user.tenant_id, userId: user.id });

  const mailboxOwner = (req: FastifyRequest) => requireMailbox(db, req);

  /** A folder by id or by well-known name (inbox, sentitems, recoverableitemsdeletions…). */
  async function folder(req: FastifyRequest, user: UsersTable): Promise<FolderRow> {
    const key = keyParam(req, 'folderKey');
    const f = await mailRepo.folder(db, box(user), key);
    if (!f) throw Errors.mailItemNotFound();
    return f;
  }

  const folderSpec = (user: UsersTable, parentId: string | null, includeHidden: boolean, context: string): CollectionSpec<FolderRow, Entity> => ({
    options: folderOptions,
    contextPath: context,
    source: mailRepo.folders(db, box(user), { parentId, notMail: NON_MAIL_FOLDERS, hidden: HIDDEN_FOLDERS, includeHidden }),
    toEntity: folderToGraph,
  });
  const hidden = (req: FastifyRequest) => String((req.query as Record<string, unknown>).includeHiddenFolders ?? '').toLowerCase() === 'true';

  app.get('/users/:userKey/mailFolders', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    return sendCollection(req, reply, folderSpec(user, null, hidden(req), `${keyed('users', user.id)}/mailFolders`));
  });
  app.get('/users/:userKey/mailFolders/:folderKey', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    const f = await folder(req, user);
    return sendEntity(req, reply, folderToGraph(f), `${keyed('users', user.id)}/mailFolders`, { typeName: 'microsoft.graph.mailFolder', selectable: FOLDER_PROPERTIES });
  });
  app.get('/users/:userKey/mailFolders/:folderKey/childFolders', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    const f = await folder(req, user);
    return sendCollection(req, reply, folderSpec(user, f.id, hidden(req), `${keyed('users', user.id)}/mailFolders('${f.id}')/childFolders`));
  });

  // Items: all folders except Recoverable Items, or one folder (which may be a Recoverable Items folder).
  const itemSpec = (kind: ItemKind, user: UsersTable, folderId: string | null, context: string): CollectionSpec<MailItemsTable, Entity> => {
    const k = KINDS[kind];
    return {
      options: collectionOptions({
        typeName: k.typeName, fields: k.fields, selectable: k.selectable, keyColumn: 'id', pageSize: 10,
        orderBy: [{ field: k.orderField, direction: k.orderField === 'displayName' ? 'asc' : 'desc' }],
      }),
      contextPath: context,
      source: mailRepo.items(db, box(user), k.classes, folderId),
      toEntity: k.toGraph,
    };
  };

  async function item(kind: ItemKind, user: UsersTable, id: string, folderId?: string): Promise<MailItemsTable> {
    const r = await mailRepo.item(db, box(user), KINDS[kind].classes, id, folderId);
    if (!r) throw Errors.mailItemNotFound();
    return r;
  }

  app.get('/users/:userKey/mailFolders/:folderKey/messages', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    const f = await folder(req, user);
    return sendCollection(req, reply, itemSpec('message', user, f.id, `${keyed('users', user.id)}/mailFolders('${f.id}')/messages`));
  });
  app.get('/users/:userKey/mailFolders/:folderKey/messages/$count', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    const f = await folder(req, user);
    return sendCount(req, reply, itemSpec('message', user, f.id, ''));
  });
  app.get('/users/:userKey/mailFolders/:folderKey/messages/:itemId', { config: mailConfig }, async (req, reply) => {
    const user = await mailboxOwner(req);
    const f = await folder(req, user);
    const m = await item('message', user, keyParam(req, 'itemId'), f.id);
    return sendEntity(req, reply, messageToGraph(m), `${keyed('users', user.id)}/mailFolders('${f.id}')/messages`, { typeName: KINDS.message.typeName, selectable: KINDS.message.selectable });
  });

  const perKind: [ItemKind, readonly string[]][] = [
    ['message', DirectoryPermissions.mail],
    ['event', DirectoryPermissions.calendars],
    ['contact', DirectoryPermissions.contacts],
  ];
  for (const [kind, permissions] of perKind) {
    const set = KINDS[kind].set;
    app.get(`/users/:userKey/${set}`, { config: { permissions } }, async (req, reply) => {
      const user = await mailboxOwner(req);
      return sendCollection(req, reply, itemSpec(kind, user, null, `${keyed('users', user.id)}/${set}`));
    });
    app.get(`/users/:userKey/${set}/$count`, { config: { permissions } }, async (req, reply) => {
      const user = await mailboxOwner(req);
      return sendCount(req, reply, itemSpec(kind, user, null, ''));
    });
    app.get(`/users/:userKey/${set}/:itemId`, { config: { permissions } }, async (req, reply) => {
      const user = await mailboxOwner(req);
      const m = await item(kind, user, keyParam(req, 'itemId'));
      return sendEntity(req, reply, KINDS[kind].toGraph(m), `${keyed('users', user.id)}/${set}`, { typeName: KINDS[kind].typeName, selectable: KINDS[kind].selectable });
    });
  }
}
