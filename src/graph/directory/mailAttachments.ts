// File attachments of messages, as Graph shapes them: POST …/messages/{id}/attachments with a
// #microsoft.graph.fileAttachment (name, contentBytes in base64), list, get, $value (the raw bytes) and
// delete, under /users/{id}/messages/{id} and /users/{id}/mailFolders/{id}/messages/{id}. A message
// created or sent with `attachments` keeps them too. The bytes go to the blob store (content-addressed,
// stored once); the message's document (content_docs) lists each attachment with its digest, so a
// migration, which copies the message's content_hash, moves its attachments without copying bytes.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { ContentWritePermissions, DirectoryPermissions } from './permissions.js';
import { keyed, keyParam, type Entity } from './common.js';
import { requireMailbox } from './mail.js';
import { attachmentsOf, type StoredAttachment } from './mailSerialize.js';
import { mimeOf } from './driveSerialize.js';
import { blobRepo } from '../../store/blobRepo.js';
import { openBlobStore } from '../../store/blobStoreOpen.js';
import { mailRepo } from '../../store/mailRepo.js';
import type { MailItemRow } from '../../store/mailRepo.js';
import type { UsersTable } from '../../store/schema.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';
/** Graph takes at most 4 MB per request, so an attachment posted in one request is under about 3 MB. */
export const ATTACHMENT_BODY_LIMIT = 4 * 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Reading attachments needs the full mail read (Mail.ReadBasic excludes them, as on Graph). */
const readPermissions = DirectoryPermissions.mail.filter((p) => !p.startsWith('Mail.ReadBasic'));

const AttachmentBody = Type.Object({
  '@odata.type': Type.String({ maxLength: 128 }),
}, { additionalProperties: true });

/** Stores the bytes of file attachments a client sent and returns what the message's document keeps. */
export type AttachmentWriter = (raw: unknown, target: string) => Promise<StoredAttachment>;

export function attachmentWriter(deps: AppDeps): AttachmentWriter {
  return async (raw, target) => {
    const a = (raw ?? {}) as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw Errors.invalidProperty(target, 'must be an attachment object.');
    const type = typeof a['@odata.type'] === 'string' ? `#${(a['@odata.type'] as string).replace(/^#/, '')}` : undefined;
    if (type === undefined) throw Errors.missingProperty(`${target}.@odata.type`);
    if (type.toLowerCase() !== FILE_ATTACHMENT.toLowerCase()) throw Errors.attachmentTypeNotSupported(type, `${target}.@odata.type`);
    if (typeof a.name !== 'string' || !a.name.trim()) throw a.name === undefined ? Errors.missingProperty(`${target}.name`) : Errors.invalidProperty(`${target}.name`, 'must be a non-empty string.');
    if (a.name.length > 255) throw Errors.invalidProperty(`${target}.name`, 'must be at most 255 characters.');
    if (a.contentBytes === undefined || a.contentBytes === null) throw Errors.missingProperty(`${target}.contentBytes`);
    if (typeof a.contentBytes !== 'string' || !BASE64.test(a.contentBytes)) throw Errors.notBinary(`${target}.contentBytes`);
    for (const k of ['contentType', 'contentId'] as const) {
      if (a[k] !== undefined && a[k] !== null && (typeof a[k] !== 'string' || (a[k] as string).length > 255)) throw Errors.invalidProperty(`${target}.${k}`, 'must be a string of at most 255 characters.');
    }
    if (a.isInline !== undefined && typeof a.isInline !== 'boolean') throw Errors.invalidProperty(`${target}.isInline`, 'must be true or false.');
    const bytes = Buffer.from(a.contentBytes, 'base64');
    const blobs = await openBlobStore(deps.config.blobStore, deps.config.dataDir);
    const { sha256, size } = await blobs.put(bytes, bytes.length);
    await blobRepo.register(deps.store.db, sha256, size, deps.clock.iso());
    return {
      id: randomBytes(24).toString('base64url'),
      name: a.name,
      contentType: (a.contentType as string | undefined) ?? mimeOf(a.name),
      size,
      isInline: a.isInline === true,
      contentId: (a.contentId as string | null | undefined) ?? null,
      sha256,
      lastModifiedDateTime: formatDateTimeOffset(deps.clock.nowMs()),
    };
  };
}

/** The fileAttachment as Graph returns it (contentBytes when the bytes are given). */
function attachmentToGraph(a: StoredAttachment, bytes?: Buffer): Entity {
  return {
    '@odata.type': FILE_ATTACHMENT, id: a.id, lastModifiedDateTime: a.lastModifiedDateTime, name: a.name, contentType: a.contentType, size: a.size,
    isInline: a.isInline, contentId: a.contentId, contentLocation: null, ...(bytes ? { contentBytes: bytes.toString('base64') } : {}),
  };
}

/**
 * The attachment routes. `rewrite` replaces a message's attachment list (a new document, the change logged
 * as an update of the message): mailWrites owns how a message's document is written.
 */
export function mailAttachmentRoutes(app: GraphApp, deps: AppDeps, rewrite: (u: UsersTable, m: MailItemRow, attachments: StoredAttachment[]) => Promise<void>): void {
  const db = deps.store.db;
  const write = attachmentWriter(deps);
  const bytesOf = async (a: StoredAttachment): Promise<Buffer> => {
    const stream = await (await openBlobStore(deps.config.blobStore, deps.config.dataDir)).get(a.sha256);
    if (!stream) throw Errors.mailItemNotFound();
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };

  /** The message a route names (in the folder, when the path gives one) and its owner. */
  async function message(req: FastifyRequest): Promise<{ u: UsersTable; m: MailItemRow; path: string }> {
    const u = await requireMailbox(db, req);
    const box = { tenantId: u.tenant_id, userId: u.id };
    const folderKey = (req.params as Record<string, string | undefined>).folderKey;
    const folder = folderKey === undefined ? undefined : await mailRepo.folder(db, box, keyParam(req, 'folderKey'));
    if (folderKey !== undefined && !folder) throw Errors.mailItemNotFound();
    const id = keyParam(req, 'itemId');
    const m = await mailRepo.item(db, box, 'IPM.Note', id, folder?.id);
    if (!m) throw Errors.mailItemNotFound();
    const path = `${keyed('users', u.id)}/${folder ? `mailFolders('${folder.id}')/` : ''}messages('${m.id}')/attachments`;
    return { u, m, path };
  }
  const attachment = (m: MailItemRow, req: FastifyRequest): StoredAttachment => {
    const a = attachmentsOf(m).find((x) => x.id === keyParam(req, 'attachmentId'));
    if (!a) throw Errors.mailItemNotFound();
    return a;
  };

  const readConfig = { permissions: readPermissions, graphType: 'microsoft.graph.attachment' };
  const writeConfig = { permissions: ContentWritePermissions.mail, graphType: 'microsoft.graph.attachment' };
  for (const base of ['/users/:userKey/messages/:itemId/attachments', '/users/:userKey/mailFolders/:folderKey/messages/:itemId/attachments']) {
    app.post(base, { config: writeConfig, bodyLimit: ATTACHMENT_BODY_LIMIT, schema: { body: AttachmentBody } }, async (req, reply) => {
      const { u, m, path } = await message(req);
      const a = await write(req.body, 'attachment');
      await rewrite(u, m, [...attachmentsOf(m), a]);
      return sendOData(reply, 201, { '@odata.context': metadataContext(req, `${path}/$entity`), ...attachmentToGraph(a, await bytesOf(a)) });
    });
    app.get(base, { config: readConfig }, async (req, reply) => {
      const { m, path } = await message(req);
      const value: Entity[] = [];
      for (const a of attachmentsOf(m)) value.push(attachmentToGraph(a, await bytesOf(a)));
      return sendOData(reply, 200, { '@odata.context': metadataContext(req, path), value });
    });
    app.get(`${base}/:attachmentId`, { config: readConfig }, async (req, reply) => {
      const { m, path } = await message(req);
      const a = attachment(m, req);
      return sendOData(reply, 200, { '@odata.context': metadataContext(req, `${path}/$entity`), ...attachmentToGraph(a, await bytesOf(a)) });
    });
    app.get(`${base}/:attachmentId/$value`, { config: readConfig }, async (req, reply: FastifyReply) => {
      const { m } = await message(req);
      const a = attachment(m, req);
      return reply.code(200).header('content-type', a.contentType).header('content-length', String(a.size)).send(await bytesOf(a));
    });
    app.delete(`${base}/:attachmentId`, { config: writeConfig }, async (req, reply) => {
      const { u, m } = await message(req);
      const a = attachment(m, req);
      await rewrite(u, m, attachmentsOf(m).filter((x) => x.id !== a.id));
      return reply.code(204).send();
    });
  }
}
