// SharePoint: Get-SPOCrossTenantHostUrl, Set-/Get-/Remove-/Verify-SPOCrossTenantRelationship, sites and
// OneDrives (New-SPOSite, Set-SPOSite -LockState), files (Add-PnPFile), and the identity map
// (Add-/Remove-SPOTenantIdentityMappingUser, Add-/Remove-SPOTenantIdentityMappingGroup).
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import {
  getOneDrive, getSite, getSiteByUrl, getSpoGroupMappingRow, getSpoUserMappingRow, getUser, pageSites, listSpoGroupMappingRows, listSpoRelationships,
  listSpoUserMappingRows, listTenants, siteIds, siteItemCount, siteItemRows, sitePermissionRows,
} from '../../store/tenantsRepo.js';
import { DriveItemInput, SiteInput, SpoGroupMappingInput, SpoRelationshipInput, SpoUserMappingInput } from '../../tenants/inputSchemas.js';
import type { SiteRecord, TenantRecord } from '../../domain/tenantRecords.js';
import { T, apply, created, list, lower, query, pageOf, paged, param, tenantOfReq } from './common.js';
import { driveItemToInput, siteToInput } from './convert.js';
import { deleteSpoGroupMapping, deleteSpoRelationship, deleteSpoUserMapping } from '../../store/tenantDeletes.js';
import { SitePatch, SpoRelationshipRef } from './schemas.js';
import { verifySpoTrust, type PartnerRole } from '../../domain/spoTrust.js';
import { validateBody } from './validate.js';
import { AdminList, AdminObject, QueryParams } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

const host = (u: string) => lower(u.trim()).replace(/\/+$/, '');

export function adminSharePointRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const R = `${T}/spoRelationships`;

  app.get(`${T}/spoHostUrl`, { schema: { params: PathParams('tenant'), response: { 200: AdminObject } } }, async (req) => ({ value: (await tenantOfReq(deps, req)).mySiteHost }));
  app.get(R, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => list(await listSpoRelationships(deps.store, (await tenantOfReq(deps, req)).id)));

  // Set-SPOCrossTenantRelationship: repeating the same relationship keeps its set-up time (the 7-day clock).
  app.put(R, { schema: { params: PathParams('tenant'), body: SpoRelationshipInput, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    const same = (await listSpoRelationships(deps.store, t.id)).find((r) => r.partnerHostUrl === host(body.partnerHostUrl));
    if (same && !body.createdDateTime && same.partnerRole === body.partnerRole && same.scenario === (body.scenario ?? 'MnA')) body.createdDateTime = same.createdDateTime;
    await apply(deps, [{ tenantId: t.id, spoRelationships: [body] }], /^spoRelationships\[0\]\.?/);
    return (await listSpoRelationships(deps.store, t.id)).find((r) => r.partnerHostUrl === host(body.partnerHostUrl));
  });

  app.delete(R, { schema: { params: PathParams('tenant'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const ref = validateBody(SpoRelationshipRef, Object.fromEntries(['partnerHostUrl', 'scenario', 'partnerRole'].flatMap((k) => (query(req, k) ? [[k, query(req, k)]] : []))));
    const rel = (await listSpoRelationships(deps.store, t.id)).find((r) => r.partnerHostUrl === host(ref.partnerHostUrl)
      && (!ref.partnerRole || r.partnerRole === ref.partnerRole) && (!ref.scenario || r.scenario === ref.scenario));
    if (!rel) throw Errors.adminObjectNotFound('SharePoint cross-tenant relationship', ref.partnerHostUrl, t.id);
    await deleteSpoRelationship(db, t.id, rel.partnerHostUrl);
    return reply.code(204).send();
  });

  app.get(`${R}/verify`, { schema: { params: PathParams('tenant'), querystring: QueryParams('partnerCrossTenantHostUrl', 'partnerHostUrl', 'partnerRole', 'scenario'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const partnerHostUrl = query(req, 'partnerCrossTenantHostUrl') ?? query(req, 'partnerHostUrl');
    const partnerRole = query(req, 'partnerRole');
    const scenario = query(req, 'scenario') ?? 'MnA';
    if (!partnerHostUrl) throw Errors.adminInvalid('partnerCrossTenantHostUrl', 'the partner my-site host URL is required');
    if (partnerRole !== 'Source' && partnerRole !== 'Target') throw Errors.adminInvalid('partnerRole', `'${partnerRole ?? ''}' is not one of: Source, Target`);
    const partner = (await listTenants(deps.store)).find((x) => x.id !== t.id && x.mySiteHost === host(partnerHostUrl));
    const side = async (x: TenantRecord) => ({ mySiteHost: x.mySiteHost, relationships: await listSpoRelationships(deps.store, x.id) });
    const result = verifySpoTrust(await side(t), partner ? await side(partner) : null, { scenario, partnerRole: partnerRole as PartnerRole, partnerHostUrl }, deps.clock.nowMs());
    return { ...result, scenario, partnerRole, partnerCrossTenantHostUrl: host(partnerHostUrl), checkedDateTime: deps.clock.iso() };
  });

  // ---- sites, OneDrives and files ------------------------------------------------------------
  const requireSite = async (t: TenantRecord, ref: string): Promise<SiteRecord> => {
    const s = (await getSite(deps.store, t.id, ref)) ?? (/^https:\/\//i.test(ref) ? await getSiteByUrl(deps.store, t.id, ref) : undefined);
    if (!s) throw Errors.adminObjectNotFound('Site', ref, t.id);
    return s;
  };
  const sitePermissions = (t: TenantRecord, siteId: string) => sitePermissionRows(deps.store, t.id, siteId);
  const siteView = async (t: TenantRecord, s: SiteRecord) => ({ ...s, itemCount: await siteItemCount(deps.store, t.id, s.id) });

  app.get(`${T}/sites`, { schema: { params: PathParams('tenant'), querystring: QueryParams('$top', '$skiptoken'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return paged(req, await pageSites(deps.store, t.id, pageOf(req)));
  });
  app.get(`${T}/sites/:site`, { schema: { params: PathParams('tenant', 'site'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return siteView(t, await requireSite(t, param(req, 'site')));
  });
  app.post(`${T}/sites`, { schema: { params: PathParams('tenant'), body: SiteInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    if (body.id && (await getSite(deps.store, t.id, body.id))) {
      throw Errors.adminConflict(`Site ${lower(body.id)} already exists; use PATCH (Set-SPOSite).`, 'id');
    }
    if (body.url && (await getSiteByUrl(deps.store, t.id, body.url))) throw Errors.adminConflict(`A site already exists at ${body.url}.`, 'url');
    const owner = body.kind === 'OneDrive' && body.owner ? await getUser(deps.store, t.id, body.owner) : undefined;
    if (owner && (await getOneDrive(deps.store, t.id, owner.id))) throw Errors.adminConflict(`User ${owner.userPrincipalName} already has a OneDrive.`, 'owner');
    const before = new Set(await siteIds(deps.store, t.id));
    await apply(deps, [{ tenantId: t.id, sites: [body] }], /^sites\[0\]\.?/);
    const ids = await siteIds(deps.store, t.id);
    const row = await requireSite(t, body.id ?? ids.find((id) => !before.has(id))!);
    return created(reply, await siteView(t, row));
  });
  app.patch(`${T}/sites/:site`, { schema: { params: PathParams('tenant', 'site'), body: SitePatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const s = await requireSite(t, param(req, 'site'));
    const patch = req.body;
    const input = { ...siteToInput(s, (await sitePermissions(t, s.id)).filter((p) => p.item_id === '')), ...patch };
    await apply(deps, [{ tenantId: t.id, sites: [input] }], /^sites\[0\]\.?/);
    return siteView(t, await requireSite(t, s.id));
  });

  // A file or folder: the site is written again with every stored item plus the new one (parents are created).
  app.post(`${T}/sites/:site/items`, { schema: { params: PathParams('tenant', 'site'), body: DriveItemInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const s = await requireSite(t, param(req, 'site'));
    const body = req.body;
    const path = `/${body.path.split('/').filter(Boolean).join('/')}`;
    const items = await siteItemRows(deps.store, t.id, s.id);
    if (items.some((i) => lower(i.path) === lower(path))) throw Errors.adminConflict(`'${path}' already exists in site ${s.url}.`, 'path');
    const perms = await sitePermissions(t, s.id);
    const inputs = items.map((i) => driveItemToInput(i, perms.filter((p) => p.item_id === i.id)));
    const input = { ...siteToInput(s, perms.filter((p) => p.item_id === '')), items: [...inputs, body] };
    const at = inputs.length;
    await apply(deps, [{ tenantId: t.id, sites: [input] }], (p) => p.replace(new RegExp(`^sites\\[0\\]\\.items\\[${at}\\]\\.?`), '').replace(/^sites\[0\]\.?/, '') || p);
    const row = await siteItemRows(deps.store, t.id, s.id);
    const added = row.find((i) => lower(i.path) === lower(path))!;
    return created(reply, {
      id: added.id, parentId: added.parent_id, name: added.name, path: added.path, isFolder: !!added.is_folder, sizeBytes: Number(added.size_bytes),
      contentHash: added.content_hash, createdBy: added.created_by, modifiedDateTime: added.modified_at,
    });
  });

  // ---- SharePoint identity map (held by the target tenant) ----------------------------------------
  const U = `${T}/spoIdentityMap/users`;
  const G = `${T}/spoIdentityMap/groups`;
  app.get(U, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return list(await listSpoUserMappingRows(deps.store, t.id));
  });
  app.put(U, { schema: { params: PathParams('tenant'), body: SpoUserMappingInput, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    await apply(deps, [{ tenantId: t.id, spoUserMappings: [body] }], /^spoUserMappings\[0\]\.?/);
    return getSpoUserMappingRow(deps.store, t.id, body.sourceUserPrincipalName);
  });
  app.delete(`${U}/:sourceUpn`, { schema: { params: PathParams('tenant', 'sourceUpn'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    if (!(await deleteSpoUserMapping(db, t.id, param(req, 'sourceUpn')))) throw Errors.adminObjectNotFound('Identity map user entry', param(req, 'sourceUpn'), t.id);
    return reply.code(204).send();
  });
  app.get(G, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return list(await listSpoGroupMappingRows(deps.store, t.id));
  });
  app.put(G, { schema: { params: PathParams('tenant'), body: SpoGroupMappingInput, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    await apply(deps, [{ tenantId: t.id, spoGroupMappings: [body] }], /^spoGroupMappings\[0\]\.?/);
    return getSpoGroupMappingRow(deps.store, t.id, body.sourceGroupId);
  });
  app.delete(`${G}/:sourceGroupId`, { schema: { params: PathParams('tenant', 'sourceGroupId'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    if (!(await deleteSpoGroupMapping(db, t.id, param(req, 'sourceGroupId')))) throw Errors.adminObjectNotFound('Identity map group entry', param(req, 'sourceGroupId'), t.id);
    return reply.code(204).send();
  });
}
