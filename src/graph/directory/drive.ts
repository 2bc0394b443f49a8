// OneDrive / SharePoint files: a drive reached as /users/{id}/drive, /drives/{driveId} or /sites/{id}/drive,
// then /root, /root/children, /items/{id}, /items/{id}/children and …/permissions under each.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import type { SitesTable } from '../../store/schema.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyParam, requireUser, sendEntity, tenantOf, type Entity } from './common.js';
import { directoryRepo } from '../../store/directoryRepo.js';
import { driveRepo, type LibraryRef } from '../../store/driveRepo.js';
import {
  driveIdOf, driveItemToGraph, mimeOf, driveToGraph, permissionToGraph, rootToGraph, siteIdOfDrive, syntheticRootId,
  type DriveContext, type DriveItemRow, type PermissionRow,
} from './driveSerialize.js';
import { requireSite } from './sites.js';
import { contentStream } from '../../tenants/fileContent.js';

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

interface Ctx extends DriveContext { storedRoot: boolean }

export function driveRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.files };

  async function context(site: SitesTable): Promise<Ctx> {
    const root = await driveRepo.rootId(db, { tenantId: site.tenant_id, siteId: site.id });
    return { site, driveId: driveIdOf(site.id), rootId: root ?? syntheticRootId(site.id), storedRoot: root !== undefined };
  }

  /** The three ways to name a drive; each resolves inside the caller's tenant only. */
  const locators: { prefix: string; site: (req: FastifyRequest) => Promise<SitesTable>; context: (req: FastifyRequest, c: Ctx) => string }[] = [
    {
      prefix: '/users/:userKey/drive',
      site: async (req) => {
        const user = await requireUser(db, tenantOf(req), keyParam(req, 'userKey'), Errors.resourceNotFound);
        const s = await directoryRepo.oneDriveOf(db, user.tenant_id, user.id);
        if (!s) throw Errors.mySiteNotFound();
        return s;
      },
      context: (_req, c) => `users('${c.site.owner_user_id}')/drive`,
    },
    {
      prefix: '/drives/:driveId',
      site: async (req) => {
        const siteId = siteIdOfDrive(keyParam(req, 'driveId'));
        const s = siteId ? await directoryRepo.siteById(db, tenantOf(req), siteId) : undefined;
        if (!s) throw Errors.driveNotFound();
        return s;
      },
      context: (_req, c) => `drives('${c.driveId}')`,
    },
    {
      prefix: '/sites/:siteKey/drive',
      site: (req) => requireSite(db, tenantOf(req), keyParam(req, 'siteKey')),
      context: (req) => `sites('${keyParam(req, 'siteKey')}')/drive`,
    },
  ];

  const lib = (ctx: Ctx): LibraryRef => ({ tenantId: ctx.site.tenant_id, siteId: ctx.site.id });
  const childrenSpec = (ctx: Ctx, parentId: string | null, contextPath: string): CollectionSpec<DriveItemRow, Entity> => ({
    options: itemOptions,
    contextPath,
    source: driveRepo.children(db, lib(ctx), parentId),
    toEntity: (r) => driveItemToGraph(ctx, r),
  });
  /** Children of the root: parent_id = stored root row, or parent_id null when the library has none. */
  const rootParent = (ctx: Ctx) => (ctx.storedRoot ? ctx.rootId : null);

  async function rootEntity(ctx: Ctx): Promise<Entity> {
    return rootToGraph(ctx, await driveRepo.childCount(db, lib(ctx), rootParent(ctx)));
  }

  /** An item by id; the root answers to its id and to the alias `root`. */
  async function item(ctx: Ctx, id: string): Promise<{ root: true } | { root: false; row: DriveItemRow }> {
    if (id === ctx.rootId || id.toLowerCase() === 'root') return { root: true };
    const row = await driveRepo.item(db, lib(ctx), id);
    if (!row) throw Errors.driveItemNotFound();
    return { root: false, row };
  }

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
    // The file's bytes (content-addressed: synthesized from its hash and size, see tenants/fileContent.ts).
    // Graph answers 302 to a pre-authenticated download URL; xtm serves the bytes directly (same body).
    app.get(`${P}/items/:itemId/content`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const it = await item(ctx, keyParam(req, 'itemId'));
      if (it.root || it.row.is_folder === 1 || !it.row.content_hash) throw Errors.driveItemNotFound();
      return reply.code(200).header('content-type', mimeOf(it.row.name)).header('content-length', String(Number(it.row.size_bytes)))
        .send(contentStream(it.row.content_hash, Number(it.row.size_bytes)));
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
