// Migration faults to rehearse (xtm's own; no cmdlet stands for them): per source user and workload.
// Writes go through the tenant model (apply), so a body is checked exactly like a scenario file's
// tenants[].migrationFaults entry.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { deleteFaults, listFaults, type FaultRow } from '../../store/faultsRepo.js';
import { MigrationFaultInput } from '../../tenants/inputSchemas.faults.js';
import { T, apply, created, list, query, tenantOfReq } from './common.js';
import { requireUser } from './users.js';
import { AdminList, AdminObject, QueryParams } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

const view = (f: FaultRow) => ({
  user: f.userId, userPrincipalName: f.userPrincipalName, workload: f.workload, kind: f.kind, ...f.params,
  ...(f.remaining === null ? {} : { remaining: f.remaining }), firedDateTime: f.firedAt,
});

export function adminFaultRoutes(app: GraphApp, deps: AppDeps): void {
  const F = `${T}/migrationFaults`;
  const userOf = async (t: Awaited<ReturnType<typeof tenantOfReq>>, ref: string | undefined) => (ref === undefined ? undefined : (await requireUser(deps, t, ref)).id);

  app.get(F, { schema: { params: PathParams('tenant'), querystring: QueryParams('user'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return list((await listFaults(deps.store.db, { tenantId: t.id, userId: await userOf(t, query(req, 'user')) })).map(view));
  });
  app.post(F, { schema: { params: PathParams('tenant'), body: MigrationFaultInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    await apply(deps, [{ tenantId: t.id, migrationFaults: [body] }], /^migrationFaults\[0\]\.?/);
    const userId = await userOf(t, body.user);
    const stored = (await listFaults(deps.store.db, { tenantId: t.id, userId, workload: body.workload })).find((f) => f.kind === body.kind)!;
    return created(reply, view(stored));
  });
  app.delete(F, { schema: { params: PathParams('tenant'), querystring: QueryParams('user'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    await deleteFaults(deps.store.db, { tenantId: t.id, userId: await userOf(t, query(req, 'user')) });
    return reply.code(204).send();
  });
}
