// Outlook writes as Graph shapes them: messages (create in Drafts or a folder, PATCH, DELETE, move,
// send, sendMail), mail folders (create, rename, delete), events and contacts (create, PATCH, DELETE).
// An item's row keeps what xtm models in columns (subject, sender, times, preview, size); what a client
// wrote beyond that (body, recipients, start/end, addresses…) is one JSON document in content_docs keyed
// by its SHA-256, referenced from the item's content_hash — which migrations copy, so the target reads
// the same message. Sending delivers a copy to each recipient that is a mailbox of the same tenant.
// A user without a mailbox — a source after cutover is a MailUser — answers MailboxNotEnabledForRESTAPI.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { ContentWritePermissions } from './permissions.js';
import { keyed, keyParam } from './common.js';
import { folderToGraph, KINDS, requireMailbox, type ItemKind } from './mail.js';
import { blobRepo } from '../../store/blobRepo.js';
import { mailRepo, type MailboxRef } from '../../store/mailRepo.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import type { MailItemsTable, UsersTable } from '../../store/schema.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';
import { attachmentsOf, type StoredAttachment } from './mailSerialize.js';
import { attachmentWriter, mailAttachmentRoutes } from './mailAttachments.js';

const Str = (max = 4096) => Type.String({ maxLength: max });
const EmailAddress = Type.Object({ address: Type.Optional(Str(320)), name: Type.Optional(Str(256)) }, { additionalProperties: false });
const Recipient = Type.Object({ emailAddress: EmailAddress }, { additionalProperties: false });
const Recipients = Type.Array(Recipient, { maxItems: 500 });
const ItemBody = Type.Object({ contentType: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('html'), Type.Literal('Text'), Type.Literal('HTML')])), content: Type.Optional(Str(4 * 1024 * 1024)) }, { additionalProperties: false });
const DateTimeTimeZone = Type.Object({ dateTime: Str(64), timeZone: Type.Optional(Str(64)) }, { additionalProperties: false });
const open = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: true });

const MessageBody = open({
  subject: Type.Optional(Str(255)), body: Type.Optional(ItemBody), toRecipients: Type.Optional(Recipients), ccRecipients: Type.Optional(Recipients),
  bccRecipients: Type.Optional(Recipients), from: Type.Optional(Recipient), importance: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('normal'), Type.Literal('high')])),
  isRead: Type.Optional(Type.Boolean()),
});
const EventBody = open({
  subject: Type.Optional(Str(255)), body: Type.Optional(ItemBody), start: Type.Optional(DateTimeTimeZone), end: Type.Optional(DateTimeTimeZone),
  location: Type.Optional(open({ displayName: Type.Optional(Str(256)) })), isAllDay: Type.Optional(Type.Boolean()),
  attendees: Type.Optional(Type.Array(open({ emailAddress: EmailAddress, type: Type.Optional(Str(16)) }), { maxItems: 500 })),
});
const ContactBody = open({
  displayName: Type.Optional(Str(256)), givenName: Type.Optional(Str(256)), surname: Type.Optional(Str(256)), emailAddresses: Type.Optional(Type.Array(EmailAddress, { maxItems: 3 })),
  businessPhones: Type.Optional(Type.Array(Str(64), { maxItems: 10 })), mobilePhone: Type.Optional(Type.Union([Str(64), Type.Null()])),
  companyName: Type.Optional(Type.Union([Str(256), Type.Null()])), jobTitle: Type.Optional(Type.Union([Str(256), Type.Null()])),
});
const FolderBody = Type.Object({ displayName: Type.String({ minLength: 1, maxLength: 255 }), isHidden: Type.Optional(Type.Boolean()) }, { additionalProperties: true });
const MoveBody = Type.Object({ destinationId: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
const SendMailBody = Type.Object({ message: MessageBody, saveToSentItems: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const UserParams = Type.Object({ userKey: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: true });

/** Which properties of each kind are kept in the item's document (the rest are columns). */
const DOC_PROPS: Record<ItemKind, readonly string[]> = {
  message: ['body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'importance', 'isDraft', 'sentDateTime', 'attachments'],
  event: ['body', 'start', 'end', 'location', 'isAllDay', 'attendees', 'createdDateTime'],
  contact: ['givenName', 'surname', 'emailAddresses', 'businessPhones', 'mobilePhone', 'companyName', 'jobTitle'],
};
const CLASS: Record<ItemKind, string> = { message: 'IPM.Note', event: 'IPM.Appointment', contact: 'IPM.Contact' };
const FOLDER_OF: Record<ItemKind, string> = { message: 'drafts', event: 'calendar', contact: 'contacts' };

type Props = Record<string, unknown>;
const text = (body: unknown) => String((body as { content?: string } | undefined)?.content ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
const firstAddress = (list: unknown) => ((list as { emailAddress?: { address?: string } }[] | undefined)?.[0]?.emailAddress?.address) ?? null;

export function mailWriteRoutes(app: GraphApp, deps: AppDeps): void {
  const { store, clock } = deps;
  const db = store.db;
  const box = (u: UsersTable): MailboxRef => ({ tenantId: u.tenant_id, userId: u.id });

  /** The document and columns of an item of `kind` with properties `p` (the whole item, after a PATCH merge). */
  async function materialize(tx: Tx, kind: ItemKind, p: Props, owner: UsersTable): Promise<Pick<MailItemsTable, 'subject' | 'from_address' | 'received_at' | 'size_bytes' | 'body_preview' | 'content_hash'>> {
    const doc: Props = {};
    for (const k of DOC_PROPS[kind]) if (p[k] !== undefined) doc[k] = p[k];
    const json = JSON.stringify(doc);
    const sha256 = createHash('sha256').update(json).digest('hex');
    await blobRepo.putDoc(tx, sha256, json, clock.iso());
    const startIso = kind === 'event' ? isoOf((p.start as { dateTime?: string } | undefined)?.dateTime) : undefined;
    return {
      subject: String((kind === 'contact' ? p.displayName ?? [p.givenName, p.surname].filter(Boolean).join(' ') : p.subject) ?? ''),
      from_address: kind === 'message' ? ((p.from as { emailAddress?: { address?: string } } | undefined)?.emailAddress?.address ?? owner.mail ?? owner.user_principal_name)
        : kind === 'event' ? owner.mail ?? owner.user_principal_name : firstAddress((p.emailAddresses as unknown[] | undefined)?.map((emailAddress) => ({ emailAddress }))),
      received_at: startIso ?? clock.iso(),
      size_bytes: Buffer.byteLength(json) + 512 + ((doc.attachments as StoredAttachment[] | undefined) ?? []).reduce((n, a) => n + a.size, 0),
      body_preview: text(p.body).slice(0, 255),
      content_hash: sha256,
    };
  }

  /** Resolves a folder key (id or well-known name) in the mailbox, or 404 ErrorItemNotFound. */
  async function folderId(u: UsersTable, key: string): Promise<string> {
    const f = await mailRepo.folder(db, box(u), key);
    if (!f) throw Errors.mailItemNotFound();
    return f.id;
  }

  async function reply(req: FastifyRequest, r: FastifyReply, status: number, kind: ItemKind, u: UsersTable, id: string) {
    const row = await mailRepo.item(db, box(u), CLASS[kind], id);
    if (!row) throw Errors.mailItemNotFound();
    return sendOData(r, status, { '@odata.context': metadataContext(req, `${keyed('users', u.id)}/${KINDS[kind].set}/$entity`), ...KINDS[kind].toGraph(row) });
  }

  async function create(kind: ItemKind, u: UsersTable, p: Props, folder: string, isRead = true): Promise<string> {
    const id = randomUUID();
    await inTransaction(store, async (tx) => {
      const cols = await materialize(tx, kind, p, u);
      await mailRepo.insertItem(tx, { tenant_id: u.tenant_id, user_id: u.id, id, folder_id: folder, item_class: CLASS[kind], is_read: isRead ? 1 : 0, last_modified_at: clock.iso(), ...cols }, clock.iso());
    });
    return id;
  }

  /** The item as a client sees it (Graph JSON) plus a message's attachments, to merge a PATCH into or send. */
  async function current(kind: ItemKind, u: UsersTable, id: string): Promise<{ row: MailItemsTable; props: Props }> {
    const row = await mailRepo.item(db, box(u), CLASS[kind], id);
    if (!row) throw Errors.mailItemNotFound();
    const attachments = kind === 'message' ? attachmentsOf(row) : [];
    return { row, props: { ...KINDS[kind].toGraph(row), ...(attachments.length ? { attachments } : {}) } };
  }

  /** A message body's `attachments` (file attachments with contentBytes) stored, as its document keeps them. */
  const writeAttachment = attachmentWriter(deps);
  async function withStoredAttachments(p: Props, at = 'attachments'): Promise<Props> {
    if (p.attachments === undefined || p.attachments === null) return { ...p, attachments: undefined };
    if (!Array.isArray(p.attachments)) throw Errors.invalidProperty(at, 'must be a collection of attachments.');
    const stored: StoredAttachment[] = [];
    for (const [i, a] of p.attachments.entries()) stored.push(await writeAttachment(a, `${at}[${i}]`));
    return { ...p, attachments: stored };
  }

  const perms: Record<ItemKind, readonly string[]> = { message: ContentWritePermissions.mail, event: ContentWritePermissions.calendars, contact: ContentWritePermissions.contacts };
  const schemas: Record<ItemKind, TSchema> = { message: MessageBody, event: EventBody, contact: ContactBody };
  const graphType: Record<ItemKind, string> = { message: 'microsoft.graph.message', event: 'microsoft.graph.event', contact: 'microsoft.graph.contact' };

  for (const kind of ['message', 'event', 'contact'] as const) {
    const set = KINDS[kind].set;
    const config = { permissions: perms[kind], graphType: graphType[kind] };
    const createIn = async (req: FastifyRequest, r: FastifyReply, folderKey: string) => {
      const u = await requireMailbox(db, req);
      const p = kind === 'message' ? await withStoredAttachments(req.body as Props) : { ...(req.body as Props) };
      if (kind === 'message') p.isDraft = true;
      if (kind === 'event') p.createdDateTime = formatDateTimeOffset(clock.nowMs());
      const id = await create(kind, u, p, await folderId(u, folderKey));
      return reply(req, r, 201, kind, u, id);
    };
    app.post(`/users/:userKey/${set}`, { config, schema: { params: UserParams, body: schemas[kind] } }, (req, r) => createIn(req, r, FOLDER_OF[kind]));
    if (kind === 'message') app.post('/users/:userKey/mailFolders/:folderKey/messages', { config, schema: { body: schemas[kind] } }, (req, r) => createIn(req, r, keyParam(req, 'folderKey')));

    app.patch(`/users/:userKey/${set}/:itemId`, { config, schema: { body: schemas[kind] } }, async (req, r) => {
      const u = await requireMailbox(db, req);
      const id = keyParam(req, 'itemId');
      const { props } = await current(kind, u, id);
      // A message's attachments change through …/attachments only; the PATCH keeps them.
      const { attachments: _ignored, ...patch } = req.body as Props;
      const merged = { ...props, ...patch };
      await inTransaction(store, async (tx) => {
        const cols = await materialize(tx, kind, merged, u);
        if (kind === 'event' && patch.start === undefined) delete (cols as Partial<typeof cols>).received_at;
        if (kind !== 'event') delete (cols as Partial<typeof cols>).received_at;
        await mailRepo.rewriteItem(tx, box(u), id, { ...cols, ...(typeof patch.isRead === 'boolean' ? { is_read: patch.isRead ? 1 : 0 } : {}) }, clock.iso());
      });
      return reply(req, r, 200, kind, u, id);
    });

    app.delete(`/users/:userKey/${set}/:itemId`, { config }, async (req, r) => {
      const u = await requireMailbox(db, req);
      const id = keyParam(req, 'itemId');
      await current(kind, u, id);
      await mailRepo.deleteItem(db, box(u), id, clock.iso());
      return r.code(204).send();
    });
  }

  const mailConfig = { permissions: ContentWritePermissions.mail, graphType: 'microsoft.graph.message' };
  // move: Exchange gives the moved message a new id; xtm keeps the id (decisions.md).
  app.post('/users/:userKey/messages/:itemId/move', { config: mailConfig, schema: { body: MoveBody } }, async (req, r) => {
    const u = await requireMailbox(db, req);
    const id = keyParam(req, 'itemId');
    await current('message', u, id);
    const dest = await folderId(u, (req.body as { destinationId: string }).destinationId);
    await inTransaction(store, (tx) => mailRepo.rewriteItem(tx, box(u), id, { folder_id: dest }, clock.iso()));
    return reply(req, r, 201, 'message', u, id);
  });

  /** Sends a message: a copy in Sent Items (unless told not to), one in each same-tenant recipient's Inbox. */
  async function deliver(u: UsersTable, p: Props, saveToSent: boolean, draftId?: string): Promise<void> {
    const sent = { ...p, isDraft: false, sentDateTime: formatDateTimeOffset(clock.nowMs()) };
    const sentItems = await folderId(u, 'sentitems');
    const addresses = new Set<string>();
    for (const k of ['toRecipients', 'ccRecipients', 'bccRecipients']) {
      for (const rcp of (p[k] as { emailAddress?: { address?: string } }[] | undefined) ?? []) if (rcp.emailAddress?.address) addresses.add(rcp.emailAddress.address.toLowerCase());
    }
    if (draftId) {
      await inTransaction(store, async (tx) => {
        const cols = await materialize(tx, 'message', sent, u);
        await mailRepo.rewriteItem(tx, box(u), draftId, { ...cols, folder_id: sentItems }, clock.iso());
      });
      if (!saveToSent) await mailRepo.deleteItem(db, box(u), draftId, clock.iso());
    } else if (saveToSent) {
      await create('message', u, sent, sentItems);
    }
    for (const address of addresses) {
      const to = await mailRepo.mailboxByAddress(db, u.tenant_id, address);
      if (!to) continue; // outside the modelled tenant: delivered nowhere (no-op)
      const inbox = await mailRepo.folder(db, { tenantId: to.tenant_id, userId: to.id }, 'inbox');
      if (inbox) await create('message', to, { ...sent, from: { emailAddress: { address: u.mail ?? u.user_principal_name, name: u.display_name } } }, inbox.id, false);
    }
  }

  app.post('/users/:userKey/messages/:itemId/send', { config: { permissions: ContentWritePermissions.mailSend, graphType: 'microsoft.graph.message' } }, async (req, r) => {
    const u = await requireMailbox(db, req);
    const id = keyParam(req, 'itemId');
    const { props } = await current('message', u, id);
    await deliver(u, props, true, id);
    return r.code(202).send();
  });
  app.post('/users/:userKey/sendMail', { config: { permissions: ContentWritePermissions.mailSend, graphType: 'microsoft.graph.message' }, schema: { params: UserParams, body: SendMailBody } }, async (req, r) => {
    const u = await requireMailbox(db, req);
    const body = req.body as { message: Props; saveToSentItems?: boolean };
    await deliver(u, await withStoredAttachments(body.message, 'message.attachments'), body.saveToSentItems !== false);
    return r.code(202).send();
  });

  mailAttachmentRoutes(app, deps, async (u, m, attachments) => {
    const { props } = await current('message', u, m.id);
    await inTransaction(store, async (tx) => {
      const { received_at: _keep, ...cols } = await materialize(tx, 'message', { ...props, attachments: attachments.length ? attachments : undefined }, u);
      await mailRepo.rewriteItem(tx, box(u), m.id, cols, clock.iso());
    });
  });

  // Mail folders.
  const folderConfig = { permissions: ContentWritePermissions.mail, graphType: 'microsoft.graph.mailFolder' };
  const createFolder = async (req: FastifyRequest, r: FastifyReply, parentKey: string | null) => {
    const u = await requireMailbox(db, req);
    const parent = parentKey === null ? null : await folderId(u, parentKey);
    const id = randomUUID();
    const name = (req.body as { displayName: string }).displayName;
    const siblings = await mailRepo.folderRows(db, box(u));
    if (siblings.some((f) => f.parent_folder_id === parent && f.display_name.toLowerCase() === name.toLowerCase())) {
      throw Errors.folderExists();
    }
    await inTransaction(store, (tx) => mailRepo.insertFolder(tx, { tenant_id: u.tenant_id, user_id: u.id, id, parent_folder_id: parent, display_name: name, well_known_name: null, is_recoverable: 0 }));
    const f = (await mailRepo.folder(db, box(u), id))!;
    return sendOData(r, 201, { '@odata.context': metadataContext(req, `${keyed('users', u.id)}/mailFolders/$entity`), ...folderToGraph(f) });
  };
  app.post('/users/:userKey/mailFolders', { config: folderConfig, schema: { params: UserParams, body: FolderBody } }, (req, r) => createFolder(req, r, null));
  app.post('/users/:userKey/mailFolders/:folderKey/childFolders', { config: folderConfig, schema: { body: FolderBody } }, (req, r) => createFolder(req, r, keyParam(req, 'folderKey')));
  app.patch('/users/:userKey/mailFolders/:folderKey', { config: folderConfig, schema: { body: FolderBody } }, async (req, r) => {
    const u = await requireMailbox(db, req);
    const f = await mailRepo.folder(db, box(u), keyParam(req, 'folderKey'));
    if (!f) throw Errors.mailItemNotFound();
    await inTransaction(store, (tx) => mailRepo.renameFolder(tx, box(u), f.id, (req.body as { displayName: string }).displayName));
    return sendOData(r, 200, { '@odata.context': metadataContext(req, `${keyed('users', u.id)}/mailFolders/$entity`), ...folderToGraph((await mailRepo.folder(db, box(u), f.id))!) });
  });
  app.delete('/users/:userKey/mailFolders/:folderKey', { config: folderConfig }, async (req, r) => {
    const u = await requireMailbox(db, req);
    const f = await mailRepo.folder(db, box(u), keyParam(req, 'folderKey'));
    if (!f) throw Errors.mailItemNotFound();
    if (f.well_known_name) throw Errors.invalidRequest('A well-known folder cannot be deleted.');
    await inTransaction(store, (tx) => mailRepo.deleteFolderTree(tx, box(u), f.id));
    return r.code(204).send();
  });
}

/** Graph's dateTime (no offset, in timeZone; xtm reads it as UTC) → ISO instant. */
function isoOf(dateTime: string | undefined): string | undefined {
  if (!dateTime) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

