// App registrations and consent: New-MgApplication / Remove-MgApplication under the owner tenant, and
// admin consent (the /adminconsent URL, or New-MgServicePrincipal + app role grants) / Remove-MgServicePrincipal.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { getApplication, getServicePrincipal, listApplications, listServicePrincipals } from '../../store/tenantsRepo.js';
import { ApplicationInput, ServicePrincipalInput } from '../../tenants/inputSchemas.js';
import { ADMIN, T, apply, created, list, lower, param, tenantOfReq } from './common.js';
import { deleteApplication, deleteServicePrincipal } from '../../store/tenantDeletes.js';
import { AdminList, AdminObject } from './schemas.js';
import { NoContent, NoQuery, PathParams } from '../routeSchemas.js';

export function adminAppRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const apps = (owner?: string) => listApplications(deps.store, owner);

  app.get(`${ADMIN}/applications`, { schema: { querystring: NoQuery, response: { 200: AdminList } } }, async () => list(await apps()));
  app.get(`${T}/applications`, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => list(await apps((await tenantOfReq(deps, req)).id)));
  app.get(`${T}/applications/:appId`, { schema: { params: PathParams('tenant', 'appId'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const a = await getApplication(deps.store, param(req, 'appId'));
    if (!a || a.ownerTenantId !== t.id) throw Errors.adminObjectNotFound('Application', param(req, 'appId'), t.id);
    return a;
  });

  app.post(`${T}/applications`, { schema: { params: PathParams('tenant'), body: ApplicationInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    const existing = await getApplication(deps.store, body.appId);
    if (existing) throw Errors.adminConflict(`Application ${existing.appId} is already registered (owner tenant ${existing.ownerTenantId}).`, 'appId');
    await apply(deps, [{ tenantId: t.id, applications: [body] }], /^applications\[0\]\.?/);
    return created(reply, await getApplication(deps.store, body.appId));
  });

  // The registration goes; consents elsewhere stay and fail validation, as a deleted app's would.
  app.delete(`${T}/applications/:appId`, { schema: { params: PathParams('tenant', 'appId'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const a = await getApplication(deps.store, param(req, 'appId'));
    if (!a || a.ownerTenantId !== t.id) throw Errors.adminObjectNotFound('Application', param(req, 'appId'), t.id);
    await deleteApplication(db, t.id, a.appId);
    return reply.code(204).send();
  });

  app.get(`${T}/servicePrincipals`, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return list(await listServicePrincipals(deps.store, t.id));
  });
  app.get(`${T}/servicePrincipals/:appId`, { schema: { params: PathParams('tenant', 'appId'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const sp = await getServicePrincipal(deps.store, t.id, param(req, 'appId'));
    if (!sp) throw Errors.adminObjectNotFound('Service principal', param(req, 'appId'), t.id);
    return sp;
  });

  // Admin consent: without grantedPermissions every application permission the app requests is granted,
  // which is what consenting through /adminconsent does. Repeating it replaces the grant.
  app.post(`${T}/servicePrincipals`, { schema: { params: PathParams('tenant'), body: ServicePrincipalInput, response: { 200: AdminObject, 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    if (!body.grantedPermissions) {
      const a = await getApplication(deps.store, body.appId);
      if (a) body.grantedPermissions = a.requiredPermissions.filter((p) => p.type === 'Application').map((p) => ({ resource: p.resource, value: p.value, type: p.type }));
    }
    const existed = !!(await getServicePrincipal(deps.store, t.id, body.appId));
    await apply(deps, [{ tenantId: t.id, servicePrincipals: [body] }], /^servicePrincipals\[0\]\.?/);
    return reply.code(existed ? 200 : 201).send((await getServicePrincipal(deps.store, t.id, lower(body.appId)))!);
  });
  app.delete(`${T}/servicePrincipals/:appId`, { schema: { params: PathParams('tenant', 'appId'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const sp = await getServicePrincipal(deps.store, t.id, param(req, 'appId'));
    if (!sp) throw Errors.adminObjectNotFound('Service principal', param(req, 'appId'), t.id);
    await deleteServicePrincipal(db, t.id, sp.appId);
    return reply.code(204).send();
  });

}
