// How a request names a drive and an item in it, shared by the drive reads (drive.ts) and writes
// (driveWrites.ts): /users/{id}/drive, /drives/{driveId} or /sites/{id}/drive, each resolved inside the
// caller's tenant; the root answers to its id and to the alias `root`.
import type { FastifyRequest } from 'fastify';
import { Errors } from '../errors.js';
import type { SitesTable } from '../../store/schema.js';
import type { Store } from '../../store/db.js';
import { directoryRepo } from '../../store/directoryRepo.js';
import { driveRepo, type LibraryRef } from '../../store/driveRepo.js';
import { driveIdOf, rootToGraph, siteIdOfDrive, syntheticRootId, type DriveContext, type DriveItemRow } from './driveSerialize.js';
import { requireSite } from './sites.js';
import { keyParam, requireUser, tenantOf, type Entity } from './common.js';

export interface Ctx extends DriveContext { storedRoot: boolean }
export interface DriveLocator { prefix: string; site: (req: FastifyRequest) => Promise<SitesTable>; context: (req: FastifyRequest, c: Ctx) => string }
export type ItemRef = { root: true } | { root: false; row: DriveItemRow };

export function driveResolver(store: Store) {
  const db = store.db;

  async function context(site: SitesTable): Promise<Ctx> {
    const root = await driveRepo.rootId(db, { tenantId: site.tenant_id, siteId: site.id });
    return { site, driveId: driveIdOf(site.id), rootId: root ?? syntheticRootId(site.id), storedRoot: root !== undefined };
  }

  /** The three ways to name a drive; each resolves inside the caller's tenant only. */
  const locators: DriveLocator[] = [
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
  /** Children of the root: parent_id = stored root row, or parent_id null when the library has none. */
  const rootParent = (ctx: Ctx) => (ctx.storedRoot ? ctx.rootId : null);

  async function rootEntity(ctx: Ctx): Promise<Entity> {
    return rootToGraph(ctx, await driveRepo.childCount(db, lib(ctx), rootParent(ctx)));
  }

  /** An item by id; the root answers to its id and to the alias `root`. */
  async function item(ctx: Ctx, id: string): Promise<ItemRef> {
    if (id === ctx.rootId || id.toLowerCase() === 'root') return { root: true };
    const row = await driveRepo.item(db, lib(ctx), id);
    if (!row) throw Errors.driveItemNotFound();
    return { root: false, row };
  }

  return { context, locators, lib, rootParent, rootEntity, item };
}
