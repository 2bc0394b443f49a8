// Exchange organization configuration: New-/Set-/Remove-OrganizationRelationship and
// New-/Set-/Remove-MigrationEndpoint (migration-domain.md rule 5: the remote tenant is another tenant,
// and it has consented the migration app, before the endpoint can exist).
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { getMigrationEndpoint, getServicePrincipal, getTenant, listMigrationEndpoints, listOrganizationRelationships } from '../../store/tenantsRepo.js';
import { MigrationEndpointInput, OrganizationRelationshipInput } from '../../tenants/inputSchemas.js';
import type { OrganizationRelationshipRecord, TenantRecord } from '../../domain/tenantRecords.js';
import { T, apply, created, list, lower, merge, param, tenantOfReq } from './common.js';
import { endpointToInput, orgRelToInput } from './convert.js';
import { deleteEndpoint, deleteOrgRel } from '../../store/tenantDeletes.js';
import { EndpointPatch, OrgRelPatch } from './schemas.js';
import { AdminList, AdminObject } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

async function requireOrgRel(deps: AppDeps, t: TenantRecord, ref: string): Promise<OrganizationRelationshipRecord> {
  const r = (await listOrganizationRelationships(deps.store, t.id)).find((o) => lower(o.name) === lower(ref) || o.id === lower(ref));
  if (!r) throw Errors.adminObjectNotFound('Organization relationship', ref, t.id);
  return r;
}

/** Rule 5, the part the object invariants can't see: the source tenant must have consented the app. */
async function checkEndpointConsent(deps: AppDeps, t: TenantRecord, e: MigrationEndpointInput): Promise<void> {
  const remote = await getTenant(deps.store, e.remoteTenant);
  if (remote?.id === t.id) return; // the model refuses it: "ASSERT: The resource tenant and the accessing tenant cannot be equal"
  if (!remote) throw Errors.adminInvalid('remoteTenant', `AADSTS90002: Tenant '${e.remoteTenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  if (!(await getServicePrincipal(deps.store, remote.id, e.applicationId))) throw Errors.endpointSourceNotConsented(lower(e.applicationId), remote.id);
}

export function adminExchangeRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const O = `${T}/organizationRelationships`;
  const M = `${T}/migrationEndpoints`;

  app.get(O, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => list(await listOrganizationRelationships(deps.store, (await tenantOfReq(deps, req)).id)));
  app.get(`${O}/:name`, { schema: { params: PathParams('tenant', 'name'), response: { 200: AdminObject } } }, async (req) => requireOrgRel(deps, await tenantOfReq(deps, req), param(req, 'name')));
  app.post(O, { schema: { params: PathParams('tenant'), body: OrganizationRelationshipInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    if ((await listOrganizationRelationships(deps.store, t.id)).some((o) => lower(o.name) === lower(body.name))) {
      throw Errors.adminConflict(`An organization relationship named '${body.name}' already exists; use PATCH (Set-OrganizationRelationship).`, 'name');
    }
    await apply(deps, [{ tenantId: t.id, organizationRelationships: [body] }], /^organizationRelationships\[0\]\.?/);
    return created(reply, await requireOrgRel(deps, t, body.name));
  });
  app.patch(`${O}/:name`, { schema: { params: PathParams('tenant', 'name'), body: OrgRelPatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const r = await requireOrgRel(deps, t, param(req, 'name'));
    const patch = req.body;
    await apply(deps, [{ tenantId: t.id, organizationRelationships: [merge(orgRelToInput(r), patch)] }], /^organizationRelationships\[0\]\.?/);
    return requireOrgRel(deps, t, r.id);
  });
  app.delete(`${O}/:name`, { schema: { params: PathParams('tenant', 'name'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const r = await requireOrgRel(deps, t, param(req, 'name'));
    await deleteOrgRel(db, t.id, r.id);
    return reply.code(204).send();
  });

  const requireEndpoint = async (t: TenantRecord, name: string) => {
    const e = await getMigrationEndpoint(deps.store, t.id, name);
    if (!e) throw Errors.adminObjectNotFound('Migration endpoint', name, t.id);
    return e;
  };
  app.get(M, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => list(await listMigrationEndpoints(deps.store, (await tenantOfReq(deps, req)).id)));
  app.get(`${M}/:name`, { schema: { params: PathParams('tenant', 'name'), response: { 200: AdminObject } } }, async (req) => requireEndpoint(await tenantOfReq(deps, req), param(req, 'name')));
  app.post(M, { schema: { params: PathParams('tenant'), body: MigrationEndpointInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    if (await getMigrationEndpoint(deps.store, t.id, body.name)) throw Errors.adminConflict(`A migration endpoint named '${body.name}' already exists; use PATCH (Set-MigrationEndpoint).`, 'name');
    await checkEndpointConsent(deps, t, body);
    await apply(deps, [{ tenantId: t.id, migrationEndpoints: [body] }], /^migrationEndpoints\[0\]\.?/);
    return created(reply, await requireEndpoint(t, body.name));
  });
  app.patch(`${M}/:name`, { schema: { params: PathParams('tenant', 'name'), body: EndpointPatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const e = await requireEndpoint(t, param(req, 'name'));
    const input = merge(endpointToInput(e), req.body);
    await checkEndpointConsent(deps, t, input);
    await apply(deps, [{ tenantId: t.id, migrationEndpoints: [input] }], /^migrationEndpoints\[0\]\.?/);
    return requireEndpoint(t, e.name);
  });
  app.delete(`${M}/:name`, { schema: { params: PathParams('tenant', 'name'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const e = await requireEndpoint(t, param(req, 'name'));
    await deleteEndpoint(db, t.id, e.name);
    return reply.code(204).send();
  });
}
