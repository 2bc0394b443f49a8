// Groups and direct members: New-/Set-/Remove-DistributionGroup (New-MgGroup for security and Microsoft 365
// groups), Add-/Remove-DistributionGroupMember. Members are checked by the tenant model (no dangling member).
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { getGroup, getUser, pageGroups } from '../../store/tenantsRepo.js';
import { normalizeGroup } from '../../tenants/normalize.js';
import { GroupInput } from '../../tenants/inputSchemas.js';
import type { GroupRecord, TenantRecord } from '../../domain/tenantRecords.js';
import { T, apply, created, list, merge, pageOf, paged, param, tenantOfReq } from './common.js';
import { groupToInput } from './convert.js';
import { deleteGroup, deleteGroupMember } from '../../store/tenantDeletes.js';
import { GroupPatch, MemberBody } from './schemas.js';
import { AdminList, AdminObject, QueryParams } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

const GROUP_PATH = /^groups\[0\]\.?/;

async function requireGroup(deps: AppDeps, t: TenantRecord, ref: string): Promise<GroupRecord> {
  const g = await getGroup(deps.store, t.id, ref);
  if (!g) throw Errors.adminObjectNotFound('Group', ref, t.id);
  return g;
}

export function adminGroupRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const save = (t: TenantRecord, input: GroupInput, rename: (p: string) => string = (p) => p.replace(GROUP_PATH, '') || p) =>
    apply(deps, [{ tenantId: t.id, groups: [input] }], rename);

  app.get(`${T}/groups`, { schema: { params: PathParams('tenant'), querystring: QueryParams('$top', '$skiptoken'), response: { 200: AdminList } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    return paged(req, await pageGroups(deps.store, t.id, pageOf(req)));
  });
  app.get(`${T}/groups/:group`, { schema: { params: PathParams('tenant', 'group'), response: { 200: AdminObject } } }, async (req) => requireGroup(deps, await tenantOfReq(deps, req), param(req, 'group')));

  app.post(`${T}/groups`, { schema: { params: PathParams('tenant'), body: GroupInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body;
    const id = normalizeGroup(body, t, deps.clock.iso()).record.id;
    if (await getGroup(deps.store, t.id, id)) throw Errors.adminConflict(`Group ${id} already exists in tenant ${t.id}; use PATCH to change it.`, body.id ? 'id' : 'mailNickname');
    await save(t, body);
    return created(reply, await requireGroup(deps, t, id));
  });

  app.patch(`${T}/groups/:group`, { schema: { params: PathParams('tenant', 'group'), body: GroupPatch, response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const g = await requireGroup(deps, t, param(req, 'group'));
    const patch = req.body;
    await save(t, merge(groupToInput(g), patch));
    return requireGroup(deps, t, g.id);
  });

  app.delete(`${T}/groups/:group`, { schema: { params: PathParams('tenant', 'group'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const g = await requireGroup(deps, t, param(req, 'group'));
    await deleteGroup(db, t.id, g.id);
    return reply.code(204).send();
  });

  app.post(`${T}/groups/:group/members`, { schema: { params: PathParams('tenant', 'group'), body: MemberBody, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const g = await requireGroup(deps, t, param(req, 'group'));
    const { member } = req.body;
    const existing = (await getUser(deps.store, t.id, member))?.id ?? (await getGroup(deps.store, t.id, member))?.id;
    if (existing && g.members.includes(existing)) throw Errors.adminConflict(`The recipient '${member}' is already a member of the group '${g.displayName}'.`, 'member');
    const input = groupToInput(g);
    input.members = [...g.members, member];
    const at = input.members.length - 1;
    await save(t, input, (p) => p.replace(new RegExp(`^groups\\[0\\]\\.members\\[${at}\\]`), 'member').replace(GROUP_PATH, '') || p);
    return created(reply, await requireGroup(deps, t, g.id));
  });

  app.delete(`${T}/groups/:group/members/:member`, { schema: { params: PathParams('tenant', 'group', 'member'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const g = await requireGroup(deps, t, param(req, 'group'));
    const ref = param(req, 'member');
    const id = (await getUser(deps.store, t.id, ref))?.id ?? (await getGroup(deps.store, t.id, ref))?.id ?? ref.toLowerCase();
    if (!(await deleteGroupMember(db, t.id, g.id, id))) throw Errors.adminObjectNotFound(`Member of group '${g.displayName}'`, ref, t.id);
    return reply.code(204).send();
  });
}
