// OneDrive / SharePoint writes as Graph shapes them: simple upload (PUT …/content, up to 250 MB, a new
// version when the file exists), resumable upload (createUploadSession, then byte ranges PUT to the
// session's pre-authenticated uploadUrl, in order), folders (POST …/children), rename/move (PATCH) and
// delete. Bytes go to the content-addressed blob store (store/blobStore.ts); the item keeps the digest in
// content_hash, which migrations copy. Writes land in the change log through the table triggers.
// A drive whose site was moved (a redirect site) or is locked read-only refuses writes (423).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { principalOf } from '../auth/guard.js';
import { requestOrigin, sendOData, metadataContext } from '../odataResponse.js';
import { ContentWritePermissions } from './permissions.js';
import { keyParam, type Entity } from './common.js';
import { BinaryBody, NoContent, entityOf } from '../routeSchemas.js';
import { driveResolver, type Ctx } from './driveContext.js';
import { driveItemToGraph, type DriveItemRow } from './driveSerialize.js';
import { driveRepo, uploadSessionsRepo } from '../../store/driveRepo.js';
import { blobRepo } from '../../store/blobRepo.js';
import { directoryRepo } from '../../store/directoryRepo.js';
import { openBlobStore } from '../../store/blobStoreOpen.js';
import type { BlobInfo, BlobStore } from '../../store/blobStore.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import type { UploadSessionsTable } from '../../store/schema.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

/** Graph's limit for a simple upload; larger files need an upload session. */
export const SIMPLE_UPLOAD_MAX = 250 * 1024 * 1024;
/** Graph's limit for one upload-session request. */
const FRAGMENT_MAX = 60 * 1024 * 1024;
/** Upload sessions expire like OneDrive's (documented as a few days of inactivity); clock time. */
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
const INVALID_NAME = /["*:<>?/\\|]|^\s|\s$|^\.{1,2}$|^$/;

const ConflictBehavior = Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('replace'), Type.Literal('rename')]));
const FolderBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 400 }),
  folder: Type.Object({}, { additionalProperties: true }),
  '@microsoft.graph.conflictBehavior': ConflictBehavior,
}, { additionalProperties: true });
const PatchBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
  parentReference: Type.Optional(Type.Object({ id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), driveId: Type.Optional(Type.String()) }, { additionalProperties: true })),
}, { additionalProperties: true });
const SessionBody = Type.Union([Type.Null(), Type.Object({
  item: Type.Optional(Type.Object({ '@microsoft.graph.conflictBehavior': ConflictBehavior, name: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })) }, { additionalProperties: true })),
  deferCommit: Type.Optional(Type.Boolean()),
}, { additionalProperties: true })]);
const ItemParams = Type.Object({ itemId: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: true });
const SessionParams = Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 128 }) });
const DriveItem = entityOf('microsoft.graph.driveItem');
const UploadSession = entityOf('microsoft.graph.uploadSession');
/** A simple upload: 200 when it replaced a file (a new version), 201 when it created one. */
const Uploaded = { 200: DriveItem, 201: DriveItem };
const ConflictQuery = Type.Object({ '@microsoft.graph.conflictBehavior': ConflictBehavior }, { additionalProperties: true });

const nameExists = Errors.driveItemNameExists;
const invalidName = (name: string) => Errors.invalidRequest(`The provided name '${name}' is not valid: it cannot contain " * : < > ? / \\ |, start or end with a space, or be empty.`);
const locked = Errors.siteReadOnly;
const tooLarge = () => Errors.simpleUploadTooLarge(SIMPLE_UPLOAD_MAX);

/** Graph module: the drive write routes under /beta and /v1.0. */
export async function driveWriteRoutes(app: GraphApp, deps: AppDeps): Promise<void> {
  (await driveWriter(deps)).graphRoutes(app);
}

/** Root module: the upload sessions' pre-authenticated uploadUrl (not a Graph URL, as on SharePoint). */
export async function uploadSessionRoutes(app: GraphApp, deps: AppDeps): Promise<void> {
  await (await driveWriter(deps)).sessionRoutes(app);
}

const writers = new WeakMap<AppDeps, Promise<ReturnType<typeof buildDriveWriter>>>();
function driveWriter(deps: AppDeps) {
  let w = writers.get(deps);
  if (!w) {
    w = openBlobStore(deps.config.blobStore, deps.config.dataDir).then((blobs) => buildDriveWriter(deps, blobs));
    writers.set(deps, w);
  }
  return w;
}

function buildDriveWriter(deps: AppDeps, blobs: BlobStore) {
  const { store, clock } = deps;
  const db = store.db;
  const { context, locators, lib, rootParent, item } = driveResolver(store);
  const config = { permissions: ContentWritePermissions.files, graphType: 'microsoft.graph.driveItem' };

  const writable = (ctx: Ctx) => {
    if (ctx.site.kind === 'Redirect' || ctx.site.state !== 'ReadWrite') throw locked();
    return ctx;
  };
  const by = (req: FastifyRequest) => {
    const p = principalOf(req);
    return p.kind === 'user' ? p.objectId : null;
  };
  const entity = (req: FastifyRequest, ctx: Ctx, row: DriveItemRow, contextPath: string): Entity =>
    ({ '@odata.context': metadataContext(req, `${contextPath}/$entity`), ...driveItemToGraph(ctx, row) });
  const reread = async (ctx: Ctx, id: string) => (await driveRepo.item(db, lib(ctx), id))!;

  /** Walks `segments` (folder names) from the root; creates missing folders when `create`. */
  async function folderAt(tx: Tx, ctx: Ctx, segments: string[], create: boolean, who: string | null): Promise<{ id: string | null; path: string }> {
    let parent: { id: string | null; path: string } = { id: rootParent(ctx), path: '' };
    for (const name of segments) {
      if (INVALID_NAME.test(name)) throw invalidName(name);
      const found = await driveRepo.childByName(tx, lib(ctx), parent.id, name);
      if (found) {
        if (found.is_folder !== 1) throw nameExists();
        parent = { id: found.id, path: found.path };
        continue;
      }
      if (!create) throw Errors.driveItemNotFound();
      const id = randomUUID();
      await driveRepo.insertItem(tx, folderRow(ctx, id, parent, name, who));
      parent = { id, path: `${parent.path}/${name}` };
    }
    return parent;
  }

  const folderRow = (ctx: Ctx, id: string, parent: { id: string | null; path: string }, name: string, who: string | null) => ({
    tenant_id: ctx.site.tenant_id, site_id: ctx.site.id, id, parent_id: parent.id, name, path: `${parent.path}/${name}`, is_folder: 1 as const,
    size_bytes: 0, content_hash: null, versions: '[]', created_by: who, modified_at: clock.iso(),
  });

  /** A free name under the parent for conflictBehavior=rename: `a.txt` → `a 1.txt`, `a 2.txt`… */
  async function freeName(tx: Tx, ctx: Ctx, parentId: string | null, name: string): Promise<string> {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let i = 1; ; i++) {
      const candidate = `${stem} ${i}${ext}`;
      if (!(await driveRepo.childByName(tx, lib(ctx), parentId, candidate))) return candidate;
    }
  }

  /**
   * Commits stored bytes as the file at parent/name: a new item (201), or a new version of the existing
   * file (200) — unless conflictBehavior says fail (409) or rename (a new item under a free name).
   */
  async function commitFile(ctx: Ctx, folder: { segments: string[] } | { parentId: string | null; parentPath: string }, name: string, content: BlobInfo, conflict: string, who: string | null): Promise<{ status: number; id: string }> {
    if (INVALID_NAME.test(name)) throw invalidName(name);
    await blobRepo.register(db, content.sha256, content.size, clock.iso());
    return inTransaction(store, async (tx) => {
      const parent = 'segments' in folder ? await folderAt(tx, ctx, folder.segments, true, who) : { id: folder.parentId, path: folder.parentPath };
      let finalName = name;
      const existing = await driveRepo.childByName(tx, lib(ctx), parent.id, name);
      if (existing) {
        if (conflict === 'fail' || existing.is_folder === 1) throw nameExists();
        if (conflict === 'replace') {
          await driveRepo.replaceContent(tx, lib(ctx), existing.id, content, who, clock.iso());
          return { status: 200, id: existing.id };
        }
        finalName = await freeName(tx, ctx, parent.id, name);
      }
      const id = randomUUID();
      await driveRepo.insertItem(tx, {
        tenant_id: ctx.site.tenant_id, site_id: ctx.site.id, id, parent_id: parent.id, name: finalName, path: `${parent.path}/${finalName}`, is_folder: 0,
        size_bytes: content.size, content_hash: content.sha256, versions: '[]', created_by: who, modified_at: clock.iso(),
      });
      return { status: 201, id };
    });
  }

  /** `Projects/plan.docx:/content` → folder segments, the file name and the action after the path. */
  function pathAction(req: FastifyRequest): { segments: string[]; name: string; action: string } {
    const raw = String((req.params as Record<string, string>)['*'] ?? '');
    const m = /^(.*?):\/?([A-Za-z.]+)$/.exec(raw);
    if (!m) throw Errors.invalidRequest('Expected a path followed by an action, e.g. root:/folder/file.txt:/content.');
    const parts = decodeURIComponent(m[1]!).split('/').filter(Boolean);
    const name = parts.pop();
    if (!name) throw Errors.invalidRequest('The path names no file.');
    return { segments: parts, name, action: m[2]! };
  }

  function declaredLength(req: FastifyRequest): number {
    const n = Number(req.headers['content-length']);
    if (req.headers['content-length'] === undefined || !Number.isSafeInteger(n) || n < 0) throw Errors.contentLengthRequired();
    return n;
  }

  const conflictOf = (v: unknown, dflt: string) => (typeof v === 'string' && ['fail', 'replace', 'rename'].includes(v) ? v : dflt);

  async function simpleUpload(req: FastifyRequest, reply: FastifyReply, ctx: Ctx, target: { segments: string[]; name: string } | { itemId: string }, contextPath: string) {
    const size = declaredLength(req);
    if (size > SIMPLE_UPLOAD_MAX) throw tooLarge();
    const content = await blobs.put(req.body as Readable, size);
    const who = by(req);
    let result: { status: number; id: string };
    if ('itemId' in target) {
      const it = await item(ctx, target.itemId);
      if (it.root || it.row.is_folder === 1) throw Errors.invalidRequest('Content can only be uploaded to a file.');
      await blobRepo.register(db, content.sha256, content.size, clock.iso());
      await inTransaction(store, (tx) => driveRepo.replaceContent(tx, lib(ctx), it.row.id, content, who, clock.iso()));
      result = { status: 200, id: it.row.id };
    } else {
      const conflict = conflictOf((req.query as Record<string, unknown>)['@microsoft.graph.conflictBehavior'], 'replace');
      result = await commitFile(ctx, { segments: target.segments }, target.name, content, conflict, who);
    }
    return sendOData(reply, result.status, entity(req, ctx, await reread(ctx, result.id), contextPath));
  }

  async function createSession(req: FastifyRequest, reply: FastifyReply, ctx: Ctx, target: { segments: string[]; name: string } | { itemId: string }) {
    const body = (req.body ?? {}) as { item?: { name?: string; '@microsoft.graph.conflictBehavior'?: string } };
    let parentId: string | null;
    let name: string;
    let conflict = conflictOf(body.item?.['@microsoft.graph.conflictBehavior'], 'replace');
    if ('itemId' in target) {
      const it = await item(ctx, target.itemId);
      if (it.root || it.row.is_folder === 1) throw Errors.invalidRequest('An upload session for an existing item needs a file.');
      parentId = it.row.parent_id;
      name = it.row.name;
      conflict = 'replace';
    } else {
      name = body.item?.name ?? target.name;
      if (INVALID_NAME.test(name)) throw invalidName(name);
      parentId = (await inTransaction(store, (tx) => folderAt(tx, ctx, target.segments, true, by(req)))).id;
      const existing = await driveRepo.childByName(db, lib(ctx), parentId, name);
      if (existing && conflict === 'fail') throw nameExists();
    }
    const size = Number((body.item as { fileSize?: number } | undefined)?.fileSize ?? -1);
    const id = randomBytes(24).toString('base64url');
    const expires = new Date(clock.nowMs() + SESSION_TTL_MS).toISOString();
    await uploadSessionsRepo.create(db, {
      id, tenant_id: ctx.site.tenant_id, site_id: ctx.site.id, parent_id: parentId, name, size_bytes: Number.isSafeInteger(size) ? size : -1, received_bytes: 0,
      conflict_behavior: conflict, created_by: by(req), expires_at: expires,
    });
    return sendOData(reply, 200, {
      '@odata.context': metadataContext(req, 'microsoft.graph.uploadSession'),
      uploadUrl: `${requestOrigin(req)}/xtm/uploadSessions/${id}`,
      expirationDateTime: formatDateTimeOffset(expires),
      nextExpectedRanges: ['0-'],
    });
  }

  /** Content routes take the body as a raw stream (any media type, JSON included): a scope of their own. */
  const rawScope = (app: GraphApp, fn: (raw: GraphApp) => void) => app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    fn(raw as GraphApp);
  });

  async function liveSession(req: FastifyRequest): Promise<UploadSessionsTable> {
    const s = await uploadSessionsRepo.get(db, keyParam(req, 'sessionId'));
    if (!s || s.expires_at < clock.iso()) throw Errors.uploadSessionNotFound();
    return s;
  }
  const siteOf = (s: UploadSessionsTable) => directoryRepo.siteById(db, s.tenant_id, s.site_id);

  async function sessionRoutes(app: GraphApp): Promise<void> {
    const anonymous = { anonymous: true, graphType: 'microsoft.graph.uploadSession' };
    // Byte ranges in order; the session id is the credential, as in Graph's pre-authenticated uploadUrl.
    await rawScope(app, (raw) => raw.put('/xtm/uploadSessions/:sessionId', { config: anonymous, schema: { params: SessionParams, body: BinaryBody, response: { ...Uploaded, 202: UploadSession } } }, async (req, reply) => {
      const s = await liveSession(req);
      const range = parseContentRange(req.headers['content-range']);
      const length = declaredLength(req);
      if (!range || range.end - range.start + 1 !== length) throw Errors.contentRangeInvalid();
      if (length > FRAGMENT_MAX) throw Errors.fragmentTooLarge(FRAGMENT_MAX);
      const total = Number(s.size_bytes) >= 0 ? Number(s.size_bytes) : range.total;
      if (range.total !== total || range.end >= total) throw Errors.uploadSessionSize(total);
      if (range.start !== Number(s.received_bytes)) {
        throw Errors.fragmentOutOfOrder(s.received_bytes);
      }
      await blobs.stage(s.id, range.start, req.body as Readable, length);
      if (!(await uploadSessionsRepo.advance(db, s.id, range.start, range.end + 1))) throw Errors.fragmentUploadedFirst();
      if (range.end + 1 < total) {
        return sendOData(reply, 202, { expirationDateTime: formatDateTimeOffset(s.expires_at), nextExpectedRanges: [`${range.end + 1}-`] });
      }
      const content = await blobs.commit(s.id, total);
      const site = await siteOf(s);
      if (!site) throw Errors.driveNotFound();
      const ctx = writable(await context(site));
      const parentPath = s.parent_id ? (await driveRepo.itemRow(db, lib(ctx), s.parent_id))?.path ?? '' : '';
      const result = await commitFile(ctx, { parentId: s.parent_id, parentPath }, s.name, content, s.conflict_behavior, s.created_by);
      await uploadSessionsRepo.remove(db, s.id);
      return sendOData(reply, result.status, driveItemToGraph(ctx, await reread(ctx, result.id)));
    }));
    app.get('/xtm/uploadSessions/:sessionId', { config: anonymous, schema: { params: SessionParams, response: { 200: UploadSession } } }, async (req, reply) => {
      const s = await liveSession(req);
      return sendOData(reply, 200, { expirationDateTime: formatDateTimeOffset(s.expires_at), nextExpectedRanges: [`${s.received_bytes}-`] });
    });
    app.delete('/xtm/uploadSessions/:sessionId', { config: anonymous, schema: { params: SessionParams, response: { 204: NoContent } } }, async (req, reply) => {
      const s = await liveSession(req);
      await uploadSessionsRepo.remove(db, s.id);
      await blobs.discard(s.id);
      return reply.code(204).send();
    });
  }

  function graphRoutes(app: GraphApp): void {
  rawScope(app, (raw) => {
    for (const loc of locators) {
      const P = loc.prefix;
      raw.put(`${P}/root::/*`, { config, schema: { querystring: ConflictQuery, body: BinaryBody, response: Uploaded } }, async (req, reply) => {
        const { segments, name, action } = pathAction(req);
        if (action !== 'content') throw Errors.notFoundPath(req.method, req.url);
        const ctx = writable(await context(await loc.site(req)));
        return simpleUpload(req, reply, ctx, { segments, name }, `${loc.context(req, ctx)}/items`);
      });
      raw.put(`${P}/items/:itemId/content`, { config, schema: { params: ItemParams, body: BinaryBody, response: Uploaded } }, async (req, reply) => {
        const ctx = writable(await context(await loc.site(req)));
        return simpleUpload(req, reply, ctx, { itemId: keyParam(req, 'itemId') }, `${loc.context(req, ctx)}/items`);
      });
    }
  });

  for (const loc of locators) {
    const P = loc.prefix;
    const ctxOf = async (req: FastifyRequest) => writable(await context(await loc.site(req)));

    app.post(`${P}/root::/*`, { config, schema: { body: SessionBody, response: { 200: UploadSession } } }, async (req, reply) => {
      const { segments, name, action } = pathAction(req);
      if (action !== 'createUploadSession') throw Errors.notFoundPath(req.method, req.url);
      return createSession(req, reply, await ctxOf(req), { segments, name });
    });
    app.post(`${P}/items/:itemId/createUploadSession`, { config, schema: { params: ItemParams, body: SessionBody } }, async (req, reply) =>
      createSession(req, reply, await ctxOf(req), { itemId: keyParam(req, 'itemId') }));

    const createFolder = async (req: FastifyRequest, reply: FastifyReply, parentKey: string) => {
      const ctx = await ctxOf(req);
      const body = req.body as { name: string; '@microsoft.graph.conflictBehavior'?: string };
      if (INVALID_NAME.test(body.name)) throw invalidName(body.name);
      const parentRef = await item(ctx, parentKey);
      const parent = parentRef.root ? { id: rootParent(ctx), path: '' } : { id: parentRef.row.id, path: parentRef.row.path };
      if (!parentRef.root && parentRef.row.is_folder !== 1) throw Errors.invalidRequest('Children can only be created in a folder.');
      const id = await inTransaction(store, async (tx) => {
        let name = body.name;
        if (await driveRepo.childByName(tx, lib(ctx), parent.id, name)) {
          const conflict = conflictOf(body['@microsoft.graph.conflictBehavior'], 'fail');
          if (conflict !== 'rename') throw nameExists();
          name = await freeName(tx, ctx, parent.id, name);
        }
        const newId = randomUUID();
        await driveRepo.insertItem(tx, folderRow(ctx, newId, parent, name, by(req)));
        return newId;
      });
      return sendOData(reply, 201, entity(req, ctx, await reread(ctx, id), `${loc.context(req, ctx)}/items`));
    };
    app.post(`${P}/root/children`, { config, schema: { body: FolderBody } }, (req, reply) => createFolder(req, reply, 'root'));
    app.post(`${P}/items/:itemId/children`, { config, schema: { params: ItemParams, body: FolderBody } }, (req, reply) => createFolder(req, reply, keyParam(req, 'itemId')));

    app.patch(`${P}/items/:itemId`, { config, schema: { params: ItemParams, body: PatchBody } }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      if (it.root) throw Errors.invalidRequest('The root cannot be renamed or moved.');
      const body = req.body as { name?: string; parentReference?: { id?: string } };
      const name = body.name ?? it.row.name;
      if (INVALID_NAME.test(name)) throw invalidName(name);
      let parent = { id: it.row.parent_id, path: it.row.path.slice(0, it.row.path.lastIndexOf('/')) };
      if (body.parentReference?.id) {
        const p = await item(ctx, body.parentReference.id);
        if (!p.root && p.row.is_folder !== 1) throw Errors.invalidRequest('The new parent is not a folder.');
        parent = p.root ? { id: rootParent(ctx), path: '' } : { id: p.row.id, path: p.row.path };
        if (parent.path === it.row.path || parent.path.startsWith(`${it.row.path}/`)) throw Errors.invalidRequest('A folder cannot be moved into itself.');
      }
      await inTransaction(store, async (tx) => {
        const clash = await driveRepo.childByName(tx, lib(ctx), parent.id, name);
        if (clash && clash.id !== it.row.id) throw nameExists();
        await driveRepo.moveItem(tx, lib(ctx), it.row.id, { parentId: parent.id, name, path: `${parent.path}/${name}` }, clock.iso());
      });
      return sendOData(reply, 200, entity(req, ctx, await reread(ctx, it.row.id), `${loc.context(req, ctx)}/items`));
    });

    app.delete(`${P}/items/:itemId`, { config, schema: { params: ItemParams } }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      if (it.root) throw Errors.invalidRequest('The root cannot be deleted.');
      await inTransaction(store, (tx) => driveRepo.deleteTree(tx, lib(ctx), it.row.id));
      return reply.code(204).send();
    });
  }
  }

  return { graphRoutes, sessionRoutes };
}

function parseContentRange(h: string | string[] | undefined): { start: number; end: number; total: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(h ?? '').trim());
  if (!m) return undefined;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return start <= end && end < total ? { start, end, total } : undefined;
}
