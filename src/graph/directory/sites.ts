// /sites, /sites/root, /sites/{id} (composite `host,siteId,webId` or the bare site id) and
// /sites/{hostname}:/{server-relative path}: the caller's SharePoint sites and OneDrives.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import type { SitesTable } from '../../store/schema.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyParam, sendEntity, tenantOf, type Db, type Entity } from './common.js';
import { siteToGraph } from './driveSerialize.js';
import { directoryRepo } from '../../store/directoryRepo.js';

const SITE_TYPE = 'microsoft.graph.site';
const SITE_FIELDS: FieldMap = {
  id: { column: 'id', type: 'string' },
  displayName: { column: 'title', type: 'string', caseInsensitive: true },
  webUrl: { column: 'url', type: 'string', caseInsensitive: true },
  createdDateTime: { column: 'created_at', type: 'datetime' },
};
const SITE_PROPERTIES = ['createdDateTime', 'description', 'id', 'lastModifiedDateTime', 'name', 'webUrl', 'displayName', 'siteCollection', 'root'] as const;
const siteOptions = collectionOptions({ typeName: SITE_TYPE, fields: SITE_FIELDS, selectable: SITE_PROPERTIES, orderBy: [{ field: 'webUrl', direction: 'asc' }], keyColumn: 'id' });

const rootSiteHost = directoryRepo.rootSiteHost;

/** A site of the tenant by `root`, composite id, bare id, or absolute URL; anything else is itemNotFound. */
export async function requireSite(db: Db, tenantId: string, key: string): Promise<SitesTable> {
  let site: SitesTable | undefined;
  if (key.toLowerCase() === 'root') site = await directoryRepo.rootSite(db, tenantId);
  else if (key.includes(',')) site = await directoryRepo.siteById(db, tenantId, key.split(',')[1]!.trim().toLowerCase());
  else if (/^https:\/\//i.test(key)) site = await directoryRepo.siteByUrl(db, tenantId, key);
  else site = await directoryRepo.siteById(db, tenantId, key);
  if (!site) throw Errors.siteNotFound();
  return site;
}

export function siteRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.sites };
  const entity = async (req: FastifyRequest, reply: any, site: SitesTable) =>
    sendEntity(req, reply, siteToGraph(site, await rootSiteHost(db, site.tenant_id)), 'sites', { typeName: SITE_TYPE, selectable: SITE_PROPERTIES });

  const spec = (req: FastifyRequest, rootHost: string): CollectionSpec<SitesTable, Entity> => ({
    options: siteOptions,
    contextPath: 'sites',
    source: directoryRepo.sites(db, tenantOf(req)),
    toEntity: (s) => siteToGraph(s, rootHost),
  });

  app.get('/sites', { config }, async (req, reply) => sendCollection(req, reply, spec(req, await rootSiteHost(db, tenantOf(req)))));
  app.get('/sites/:siteKey', { config }, async (req, reply) => entity(req, reply, await requireSite(db, tenantOf(req), keyParam(req, 'siteKey'))));
  // `/sites/contoso.sharepoint.com:/sites/hr` (optionally with a trailing ':'): hostname plus path.
  app.get('/sites/*', { config }, async (req, reply) => {
    const rest = decodeURIComponent(String((req.params as Record<string, string>)['*'] ?? ''));
    const m = /^([^/:]+):(\/.*?)?:?$/.exec(rest);
    if (!m) throw Errors.siteNotFound();
    return entity(req, reply, await requireSite(db, tenantOf(req), `https://${m[1]}${m[2] ?? ''}`));
  });
}
