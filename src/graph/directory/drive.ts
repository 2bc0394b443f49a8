// OneDrive / SharePoint files: a drive reached as /users/{id}/drive, /drives/{driveId} or /sites/{id}/drive,
// then /root, /root/children, /items/{id}, /items/{id}/children and …/permissions under each.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyParam, sendEntity, type Entity } from './common.js';
import { directoryRepo } from '../../store/directoryRepo.js';
import { driveRepo } from '../../store/driveRepo.js';
import { driveItemToGraph, mimeOf, driveToGraph, permissionToGraph, type DriveItemRow, type PermissionRow } from './driveSerialize.js';
import { driveResolver, type Ctx } from './driveContext.js';
import { contentStream } from '../../tenants/fileContent.js';
import { blobRepo } from '../../store/blobRepo.js';
import { openBlobStore } from '../../store/blobStoreOpen.js';

const ITEM_TYPE = 'microsoft.graph.driveItem';
const ITEM_FIELDS: FieldMap = {
  id: { column: 'd.id', type: 'string' },
  name: { column: 'd.name', type: 'string', caseInsensitive: true },
  size: { column: 'd.size_bytes', type: 'int' },
  lastModifiedDateTime: { column: 'd.modified_at', type: 'datetime' },
  createdDateTime: { column: 'd.modified_at', type: 'datetime' },
};
const ITEM_PROPERTIES = [
  'createdDateTime', 'id', 'lastModifiedDateTime', 'name', 'webUrl', 'size', 'createdBy', 'lastModifiedBy', 'parentReference', 'fileSystemInfo', 'folder', 'file', 'root',
] as const;
const itemOptions = collectionOptions({ typeName: ITEM_TYPE, fields: ITEM_FIELDS, selectable: ITEM_PROPERTIES, orderBy: [{ field: 'name', direction: 'asc' }], keyColumn: 'd.id', pageSize: 200 });

const PERMISSION_FIELDS: FieldMap = { id: { column: 'p.pkey', type: 'string', filterable: false, sortable: false } };
const permissionOptions = collectionOptions({
  typeName: 'microsoft.graph.permission', fields: PERMISSION_FIELDS, selectable: ['id', 'roles', 'grantedToV2', 'link', 'hasPassword', 'inheritedFrom'], orderBy: [], keyColumn: 'p.pkey',
});

const DRIVE_PROPERTIES = ['createdDateTime', 'description', 'id', 'lastModifiedDateTime', 'name', 'webUrl', 'driveType', 'createdBy', 'owner', 'quota'] as const;

export function driveRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.files };
  const { context, locators, lib, rootParent, rootEntity, item } = driveResolver(deps.store);
  const blobs = () => openBlobStore(deps.config.blobStore, deps.config.dataDir);

  const childrenSpec = (ctx: Ctx, parentId: string | null, contextPath: string): CollectionSpec<DriveItemRow, Entity> => ({
    options: itemOptions,
    contextPath,
    source: driveRepo.children(db, lib(ctx), parentId),
    toEntity: (r) => driveItemToGraph(ctx, r),
  });

  /** The item's own id, then each ancestor's, then '' (the site): where its permissions come from. */
  async function permissionSources(ctx: Ctx, row: DriveItemRow | null): Promise<string[]> {
    const out: string[] = [];
    let cur: DriveItemRow | null = row;
    for (let depth = 0; cur && depth < 64; depth++) {
      out.push(cur.id);
      if (!cur.parent_id) break;
      cur = (await driveRepo.itemRow(db, lib(ctx), cur.parent_id)) ?? null;
    }
    out.push('');
    return out;
  }

  const permissionsSpec = (ctx: Ctx, own: string, sources: string[], contextPath: string): CollectionSpec<PermissionRow, Entity> => ({
    options: permissionOptions,
    contextPath,
    source: driveRepo.permissions(db, lib(ctx), sources),
    toEntity: (r) => permissionToGraph(ctx, own, r),
  });

  for (const loc of locators) {
    const P = loc.prefix;
    const ctxOf = async (req: FastifyRequest) => context(await loc.site(req));

    app.get(P, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const owner = ctx.site.owner_user_id ? await directoryRepo.userIdentity(db, ctx.site.tenant_id, ctx.site.owner_user_id) : undefined;
      const body = driveToGraph(ctx.site, owner ?? null, await driveRepo.usedBytes(db, lib(ctx)));
      return sendEntity(req, reply, body, loc.context(req, ctx), { typeName: 'microsoft.graph.drive', selectable: DRIVE_PROPERTIES });
    });
    app.get(`${P}/root`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      return sendEntity(req, reply, await rootEntity(ctx), `${loc.context(req, ctx)}/root`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
    });
    app.get(`${P}/root/children`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      return sendCollection(req, reply, childrenSpec(ctx, rootParent(ctx), `${loc.context(req, ctx)}/root/children`));
    });
    app.get(`${P}/root/permissions`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const sources = ctx.storedRoot ? [ctx.rootId, ''] : [''];
      return sendCollection(req, reply, permissionsSpec(ctx, sources[0]!, sources, `${loc.context(req, ctx)}/root/permissions`));
    });
    app.get(`${P}/items/:itemId`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      const body = it.root ? await rootEntity(ctx) : driveItemToGraph(ctx, it.row);
      return sendEntity(req, reply, body, `${loc.context(req, ctx)}/items`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
    });
    app.get(`${P}/items/:itemId/children`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      const parent = it.root ? rootParent(ctx) : it.row.id;
      return sendCollection(req, reply, childrenSpec(ctx, parent, `${loc.context(req, ctx)}/items('${it.root ? ctx.rootId : it.row.id}')/children`));
    });
    app.get(`${P}/items/:itemId/permissions`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      const sources = it.root ? (ctx.storedRoot ? [ctx.rootId, ''] : ['']) : await permissionSources(ctx, it.row);
      const id = it.root ? ctx.rootId : it.row.id;
      return sendCollection(req, reply, permissionsSpec(ctx, sources[0]!, sources, `${loc.context(req, ctx)}/items('${id}')/permissions`));
    });
    // The file's bytes: uploaded ones from the blob store, generated ones synthesized from their hash
    // (tenants/fileContent.ts). Graph answers 302 to a pre-authenticated download URL; xtm serves the bytes directly (same body).
    app.get(`${P}/items/:itemId/content`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      if (it.root || it.row.is_folder === 1 || !it.row.content_hash) throw Errors.driveItemNotFound();
      const size = Number(it.row.size_bytes);
      const stored = (await blobRepo.isStored(db, it.row.content_hash)) ? await (await blobs()).get(it.row.content_hash) : undefined;
      return reply.code(200).header('content-type', mimeOf(it.row.name)).header('content-length', String(size))
        .send(stored ?? contentStream(it.row.content_hash, size));
    });
    // Path addressing: …/root:/Projects/plan.docx (a trailing ':' is allowed).
    app.get(`${P}/root::/*`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const rest = decodeURIComponent(String((req.params as Record<string, string>)['*'] ?? '')).replace(/:$/, '').replace(/^\/+|\/+$/g, '');
      if (rest === '') return sendEntity(req, reply, await rootEntity(ctx), `${loc.context(req, ctx)}/root`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
      const row = await driveRepo.itemByPath(db, lib(ctx), `/${rest}`);
      if (!row) throw Errors.driveItemNotFound();
      return sendEntity(req, reply, driveItemToGraph(ctx, row), `${loc.context(req, ctx)}/items`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
    });
  }

}
