// Cross-Tenant Identity Mapping (CTIM) identities held by the target tenant, one per source user, in state
// Unmapped → Mapped → Completed: the outcome of New-CtimMapRequest / Upload-CtimMappingData (Mapped) and
// New-CtimWriteRequest (Completed); Remove-CtimData -SourceTenantGuid clears a source tenant's identities.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { getIdentityMapping, getTenant, getUser, listIdentityMappings } from '../../store/tenantsRepo.js';
import { deleteIdentityMappings } from '../../store/tenantDeletes.js';
import { IdentityMappingInput } from '../../tenants/inputSchemas.js';
import { T, apply, list, query, tenantOfReq } from './common.js';
import { AdminList, AdminObject, QueryParams } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

export function adminIdentityRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const I = `${T}/identityMappings`;

  // ?targetUser= (id or UPN of a user of this tenant): the identities mapped to it, e.g. to find the source
  // mailbox a validation failure of that user is about.
  app.get(I, { schema: { params: PathParams('tenant'), querystring: QueryParams('sourceTenant', 'targetUser'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const source = query(req, 'sourceTenant');
    const sourceTenantId = source ? (await getTenant(deps.store, source))?.id ?? source.toLowerCase() : undefined;
    const target = query(req, 'targetUser');
    const targetUserId = target === undefined ? undefined : (await getUser(deps.store, t.id, target))?.id ?? target;
    return list(await listIdentityMappings(deps.store, t.id, { sourceTenantId, targetUserId }));
  });

  app.put(I, { schema: { params: PathParams('tenant'), body: IdentityMappingInput, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    await apply(deps, [{ tenantId: t.id, identityMappings: [body] }], /^identityMappings\[0\]\.?/);
    const source = (await getTenant(deps.store, body.sourceTenant))!;
    const user = (await getUser(deps.store, source.id, body.sourceUser))!;
    return getIdentityMapping(deps.store, t.id, source.id, user.id);
  });

  app.delete(I, { schema: { params: PathParams('tenant'), querystring: QueryParams('sourceTenant'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const ref = query(req, 'sourceTenant');
    if (!ref) throw Errors.adminInvalid('sourceTenant', 'the source tenant (id or domain) whose identities are removed is required');
    const source = await getTenant(deps.store, ref);
    if (!source) throw Errors.adminTenantNotFound(ref);
    await deleteIdentityMappings(db, t.id, source.id);
    return reply.code(204).send();
  });
}
