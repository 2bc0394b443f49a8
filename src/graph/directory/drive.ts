// OneDrive / SharePoint files: a drive reached as /users/{id}/drive, /drives/{driveId} or /sites/{id}/drive,
// then /root, /root/children, /items/{id}, /items/{id}/children and …/permissions under each.
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import type { SitesTable } from '../../store/schema.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyParam, requireUser, sendEntity, tenantOf, type Db, type Entity } from './common.js';
import {
  driveIdOf, driveItemToGraph, driveToGraph, permissionToGraph, rootToGraph, siteIdOfDrive, syntheticRootId,
  type DriveContext, type DriveItemRow, type PermissionRow,
} from './driveSerialize.js';
import { requireSite } from './sites.js';

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

function itemsQuery(db: Db, ctx: Ctx) {
  return db.selectFrom('drive_items as d').selectAll('d')
    .select((eb) => [
      eb.selectFrom('drive_items as c').select(eb.fn.countAll().as('n'))
        .whereRef('c.tenant_id', '=', 'd.tenant_id').whereRef('c.site_id', '=', 'd.site_id').whereRef('c.parent_id', '=', 'd.id').as('child_count'),
      eb.selectFrom('users as u').select('u.display_name').whereRef('u.tenant_id', '=', 'd.tenant_id').whereRef('u.id', '=', 'd.created_by').as('created_by_name'),
    ])
    .where('d.tenant_id', '=', ctx.site.tenant_id).where('d.site_id', '=', ctx.site.id);
}

export function driveRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.files };

  async function context(site: SitesTable): Promise<Ctx> {
    const root = await db.selectFrom('drive_items').select('id').where('tenant_id', '=', site.tenant_id).where('site_id', '=', site.id)
      .where('parent_id', 'is', null).where('path', 'in', ['/', '']).executeTakeFirst();
    return { site, driveId: driveIdOf(site.id), rootId: root?.id ?? syntheticRootId(site.id), storedRoot: !!root };
  }

  /** The three ways to name a drive; each resolves inside the caller's tenant only. */
  const locators: { prefix: string; site: (req: FastifyRequest) => Promise<SitesTable>; context: (req: FastifyRequest, c: Ctx) => string }[] = [
    {
      prefix: '/users/:userKey/drive',
      site: async (req) => {
        const user = await requireUser(db, tenantOf(req), keyParam(req, 'userKey'), Errors.resourceNotFound);
        const s = await db.selectFrom('sites').selectAll().where('tenant_id', '=', user.tenant_id).where('owner_user_id', '=', user.id)
          .where('kind', '=', 'OneDrive').orderBy('created_at', 'desc').executeTakeFirst();
        if (!s) throw Errors.mySiteNotFound();
        return s;
      },
      context: (_req, c) => `users('${c.site.owner_user_id}')/drive`,
    },
    {
      prefix: '/drives/:driveId',
      site: async (req) => {
        const siteId = siteIdOfDrive(keyParam(req, 'driveId'));
        const s = siteId ? await db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantOf(req)).where('id', '=', siteId).executeTakeFirst() : undefined;
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

  const childrenSpec = (ctx: Ctx, parentId: string | null, contextPath: string): CollectionSpec<DriveItemRow, Entity> => {
    const scope = <Q extends { where: (...a: any[]) => Q }>(q: Q): Q =>
      parentId === null ? q.where('d.parent_id', 'is', null).where('d.path', 'not in', ['/', '']) : q.where('d.parent_id', '=', parentId);
    return {
      options: itemOptions,
      contextPath,
      base: () => scope(itemsQuery(db, ctx) as any) as never,
      countBase: () => scope(db.selectFrom('drive_items as d').where('d.tenant_id', '=', ctx.site.tenant_id).where('d.site_id', '=', ctx.site.id) as any) as never,
      toEntity: (r) => driveItemToGraph(ctx, r),
    };
  };
  /** Children of the root: parent_id = stored root row, or parent_id null when the library has none. */
  const rootParent = (ctx: Ctx) => (ctx.storedRoot ? ctx.rootId : null);

  async function rootEntity(ctx: Ctx): Promise<Entity> {
    const scoped = db.selectFrom('drive_items').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', ctx.site.tenant_id).where('site_id', '=', ctx.site.id);
    const n = await (ctx.storedRoot ? scoped.where('parent_id', '=', ctx.rootId) : scoped.where('parent_id', 'is', null).where('path', 'not in', ['/', ''])).executeTakeFirst();
    return rootToGraph(ctx, Number(n?.n ?? 0));
  }

  /** An item by id; the root answers to its id and to the alias `root`. */
  async function item(ctx: Ctx, id: string): Promise<{ root: true } | { root: false; row: DriveItemRow }> {
    if (id === ctx.rootId || id.toLowerCase() === 'root') return { root: true };
    const row = await itemsQuery(db, ctx).where('d.id', '=', id).executeTakeFirst();
    if (!row) throw Errors.driveItemNotFound();
    return { root: false, row: row as DriveItemRow };
  }

  /** The item's own id, then each ancestor's, then '' (the site): where its permissions come from. */
  async function permissionSources(ctx: Ctx, row: DriveItemRow | null): Promise<string[]> {
    const out: string[] = [];
    let cur = row;
    for (let depth = 0; cur && depth < 64; depth++) {
      out.push(cur.id);
      if (!cur.parent_id) break;
      cur = (await db.selectFrom('drive_items').selectAll().where('tenant_id', '=', ctx.site.tenant_id).where('site_id', '=', ctx.site.id).where('id', '=', cur.parent_id).executeTakeFirst()) ?? null;
    }
    out.push('');
    return out;
  }

  const permissionsSpec = (ctx: Ctx, own: string, sources: string[], contextPath: string): CollectionSpec<PermissionRow, Entity> => {
    const inner = db.selectFrom('permissions as p0')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'p0.tenant_id').onRef('u.id', '=', 'p0.principal_id'))
      .leftJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'p0.tenant_id').onRef('g.id', '=', 'p0.principal_id'))
      .select((eb) => [
        'p0.item_id', 'p0.principal_type', 'p0.principal_id', 'p0.role', 'p0.link_scope',
        eb.fn.coalesce('u.display_name', 'g.display_name').as('display_name'),
        eb.fn.coalesce('u.mail', 'g.mail').as('email'),
        sql<string>`p0.item_id || '|' || p0.principal_type || '|' || p0.principal_id`.as('pkey'),
      ])
      .where('p0.tenant_id', '=', ctx.site.tenant_id).where('p0.site_id', '=', ctx.site.id).where('p0.item_id', 'in', sources);
    return {
      options: permissionOptions,
      contextPath,
      base: () => db.selectFrom(inner.as('p')).selectAll() as never,
      countBase: () => db.selectFrom(inner.as('p')) as never,
      toEntity: (r) => permissionToGraph(ctx, own, r),
    };
  };

  for (const loc of locators) {
    const P = loc.prefix;
    const ctxOf = async (req: FastifyRequest) => context(await loc.site(req));

    app.get(P, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const owner = ctx.site.owner_user_id
        ? await db.selectFrom('users').select(['id', 'display_name as displayName']).where('tenant_id', '=', ctx.site.tenant_id).where('id', '=', ctx.site.owner_user_id).executeTakeFirst()
        : undefined;
      const used = await db.selectFrom('drive_items').select(sql<number>`coalesce(sum(size_bytes), 0)`.as('n')).where('tenant_id', '=', ctx.site.tenant_id).where('site_id', '=', ctx.site.id).executeTakeFirst();
      const body = driveToGraph(ctx.site, owner ?? null, Number(used?.n ?? 0));
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
    // Path addressing: …/root:/Projects/plan.docx (a trailing ':' is allowed).
    app.get(`${P}/root::/*`, { config }, async (req, reply) => {
      const ctx = await ctxOf(req);
      const rest = decodeURIComponent(String((req.params as Record<string, string>)['*'] ?? '')).replace(/:$/, '').replace(/^\/+|\/+$/g, '');
      if (rest === '') return sendEntity(req, reply, await rootEntity(ctx), `${loc.context(req, ctx)}/root`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
      const row = await itemsQuery(db, ctx).where(sql`lower(d.path)`, '=', `/${rest}`.toLowerCase()).executeTakeFirst();
      if (!row) throw Errors.driveItemNotFound();
      return sendEntity(req, reply, driveItemToGraph(ctx, row as DriveItemRow), `${loc.context(req, ctx)}/items`, { typeName: ITEM_TYPE, selectable: ITEM_PROPERTIES });
    });
  }

}
