// Tenants, their settings and accepted domains, and bulk changes:
// GET/POST /xtm/admin/tenants, GET/PUT/DELETE /xtm/admin/tenants/{tenant}, PATCH …/settings
// (Set-OrganizationConfig, Set-SPOTenant, Set-CsTenantFederationConfiguration), …/domains (New-/Remove-AcceptedDomain).
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { countTenantRows, getTenant, listTenants } from '../../store/tenantsRepo.js';
import { deleteTenants, type TenantChange } from '../../tenants/writers.js';
import { DomainInput, TenantInput, TenantSettingsInput } from '../../tenants/inputSchemas.js';
import { isGuid } from '../../domain/naturalKeys.js';
import { ADMIN, T, apply, created, list, lower, merge, param, requireTenant, tenantOfReq } from './common.js';
import { tenantToInput } from './convert.js';
import { deleteDomain, domainUse } from '../../store/tenantDeletes.js';
import { ChangesBody } from './schemas.js';
import { validateBody } from './validate.js';
import { AdminList, AdminObject } from './schemas.js';
import { NoContent, NoQuery, PathParams } from '../routeSchemas.js';

export function adminTenantRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;

  app.get(`${ADMIN}/tenants`, { schema: { querystring: NoQuery, response: { 200: AdminList } } }, async () => list(await listTenants(deps.store)));

  app.post(`${ADMIN}/tenants`, { schema: { body: TenantInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const body = req.body;
    if (await getTenant(deps.store, body.id)) throw Errors.adminConflict(`Tenant ${lower(body.id)} already exists; use PUT ${ADMIN}/tenants/${lower(body.id)} to replace it.`, 'id');
    await apply(deps, [{ tenantId: body.id, tenant: body }], /^tenant\./);
    return created(reply, await requireTenant(deps, body.id));
  });

  app.get(T, { schema: { params: PathParams('tenant'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return { ...t, counts: await countTenantRows(deps.store, t.id) };
  });

  // Create or replace the tenant object itself (not its users, groups or content).
  app.put(T, { schema: { params: PathParams('tenant'), response: { 200: AdminObject, 201: AdminObject } } }, async (req, reply) => {
    const ref = param(req, 'tenant');
    const raw = req.body as Record<string, unknown> | undefined;
    const body = validateBody(TenantInput, raw && typeof raw === 'object' && raw.id === undefined && isGuid(ref) ? { ...raw, id: ref } : raw);
    const existing = await getTenant(deps.store, ref);
    if (existing && existing.id !== lower(body.id)) throw Errors.adminInvalid('id', `'${body.id}' is not the id of tenant ${ref} (${existing.id})`);
    if (!existing && isGuid(ref) && lower(ref) !== lower(body.id)) throw Errors.adminInvalid('id', `'${body.id}' does not match the tenant id ${ref} in the path`);
    if (existing) await refuseDroppedDomainsInUse(existing.id, existing.domains.map((d) => d.name), body);
    await apply(deps, [{ tenantId: body.id, tenant: body }], /^tenant\./);
    return reply.code(existing ? 200 : 201).send(await requireTenant(deps, body.id));
  });

  app.delete(T, { schema: { params: PathParams('tenant'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    await deleteTenants(deps.store, [t.id]);
    return reply.code(204).send();
  });

  app.get(`${T}/settings`, { schema: { params: PathParams('tenant'), response: { 200: AdminObject } } }, async (req) => (await tenantOfReq(deps, req)).settings);
  app.patch(`${T}/settings`, { schema: { params: PathParams('tenant'), body: TenantSettingsInput, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const patch = req.body;
    await apply(deps, [{ tenantId: t.id, tenant: { ...tenantToInput(t), settings: merge(t.settings, patch) } }], /^tenant\.settings\./);
    return (await requireTenant(deps, t.id)).settings;
  });

  // Get-AcceptedDomain / New-AcceptedDomain / Remove-AcceptedDomain
  app.get(`${T}/domains`, { schema: { params: PathParams('tenant'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return list(t.domains.map((d) => ({ ...d, isInitial: d.name === t.initialDomain, isDefault: d.name === t.defaultDomain })));
  });
  app.post(`${T}/domains`, { schema: { params: PathParams('tenant'), body: DomainInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const d = req.body;
    if (t.domains.some((x) => x.name === lower(d.name))) throw Errors.adminConflict(`Domain '${lower(d.name)}' is already a domain of tenant ${t.id}.`, 'name');
    const input = tenantToInput(t);
    input.domains = [...(input.domains ?? []), d];
    await apply(deps, [{ tenantId: t.id, tenant: input }], (p) => p.replace(/^tenant\.domains\[\d+\]/, 'name').replace(/^tenant\./, ''));
    return created(reply, (await requireTenant(deps, t.id)).domains.find((x) => x.name === lower(d.name)));
  });
  app.delete(`${T}/domains/:domain`, { schema: { params: PathParams('tenant', 'domain'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const name = lower(param(req, 'domain'));
    if (!t.domains.some((d) => d.name === name)) throw Errors.adminObjectNotFound('Domain', name, t.id);
    if (name === t.initialDomain) throw Errors.adminConflict(`'${name}' is the initial domain of the tenant and cannot be removed.`, 'domain');
    if (name === t.defaultDomain) throw Errors.adminConflict(`'${name}' is the default domain; make another domain the default first.`, 'domain');
    const user = await domainUse(db, t.id, name);
    if (user) throw Errors.adminConflict(`Domain '${name}' is still used by ${user}.`, 'domain');
    await deleteDomain(db, t.id, name);
    return reply.code(204).send();
  });

  // Bulk create-or-replace of any objects of several tenants, all or nothing (seeding, tests).
  app.post(`${ADMIN}/changes`, { schema: { body: ChangesBody, response: { 200: AdminObject } } }, async (req) => {
    const body = req.body;
    await apply(deps, body.changes as TenantChange[]);
    return { applied: body.changes.length };
  });

  /** A replaced tenant may drop domains only when nothing uses them any more. */
  async function refuseDroppedDomainsInUse(tenantId: string, before: string[], body: TenantInput): Promise<void> {
    const after = new Set([body.initialDomain, ...(body.domains ?? []).map((d) => (typeof d === 'string' ? d : d.name))].map(lower));
    for (const name of before.filter((n) => !after.has(n))) {
      const user = await domainUse(db, tenantId, name);
      if (user) throw Errors.adminInvalid('domains', `domain '${name}' would be removed but is still used by ${user}`);
    }
  }
}
