// /groups, /groups/{id}, /groups/{id}/members: the caller's groups and their direct members
// (users and nested groups, each with its @odata.type, as Graph's directoryObject collections do).
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import type { GroupsTable } from '../../store/schema.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, flag, keyParam, parseJson, sendEntity, tenantOf, type Db, type Entity } from './common.js';

const GROUP_TYPE = 'microsoft.graph.group';

export const GROUP_FIELDS: FieldMap = {
  id: { column: 'id', type: 'string', caseInsensitive: true },
  displayName: { column: 'display_name', type: 'string', caseInsensitive: true },
  mailNickname: { column: 'mail_nickname', type: 'string', caseInsensitive: true },
  mail: { column: 'mail', type: 'string', caseInsensitive: true },
  mailEnabled: { column: 'mail_enabled', type: 'bool' },
  securityEnabled: { column: 'security_enabled', type: 'bool' },
  createdDateTime: { column: 'created_at', type: 'datetime' },
};
export const GROUP_PROPERTIES = [
  'id', 'deletedDateTime', 'createdDateTime', 'description', 'displayName', 'groupTypes', 'mail', 'mailEnabled', 'mailNickname', 'proxyAddresses', 'securityEnabled',
] as const;

const MEMBER_FIELDS: FieldMap = {
  id: { column: 'm.id', type: 'string', caseInsensitive: true },
  displayName: { column: 'm.display_name', type: 'string', caseInsensitive: true },
  userPrincipalName: { column: 'm.user_principal_name', type: 'string', caseInsensitive: true },
  mail: { column: 'm.mail', type: 'string', caseInsensitive: true },
};
const MEMBER_PROPERTIES = ['id', 'displayName', 'userPrincipalName', 'mail', 'mailNickname', 'mailEnabled', 'securityEnabled', 'accountEnabled', 'userType'] as const;

const groupOptions = collectionOptions({ typeName: GROUP_TYPE, fields: GROUP_FIELDS, selectable: GROUP_PROPERTIES, orderBy: [{ field: 'displayName', direction: 'asc' }], keyColumn: 'id' });
const memberOptions = collectionOptions({ typeName: 'microsoft.graph.directoryObject', fields: MEMBER_FIELDS, selectable: MEMBER_PROPERTIES, orderBy: [], keyColumn: 'm.id' });

export function groupToGraph(g: GroupsTable): Entity {
  return {
    id: g.id,
    deletedDateTime: null,
    createdDateTime: g.created_at,
    description: null,
    displayName: g.display_name,
    groupTypes: parseJson<string[]>(g.group_types, []),
    mail: g.mail,
    mailEnabled: flag(g.mail_enabled),
    mailNickname: g.mail_nickname,
    proxyAddresses: g.mail ? [`SMTP:${g.mail}`] : [],
    securityEnabled: flag(g.security_enabled),
  };
}

interface MemberRow {
  id: string;
  kind: string;
  display_name: string | null;
  user_principal_name: string | null;
  mail: string | null;
  mail_nickname: string | null;
  mail_enabled: number | null;
  security_enabled: number | null;
  account_enabled: number | null;
  user_type: string | null;
}

function memberToGraph(m: MemberRow): Entity {
  if (m.kind === 'user') {
    return {
      '@odata.type': '#microsoft.graph.user', id: m.id, displayName: m.display_name, userPrincipalName: m.user_principal_name, mail: m.mail,
      accountEnabled: flag(m.account_enabled), userType: m.user_type,
    };
  }
  return {
    '@odata.type': '#microsoft.graph.group', id: m.id, displayName: m.display_name, mail: m.mail, mailNickname: m.mail_nickname,
    mailEnabled: flag(m.mail_enabled), securityEnabled: flag(m.security_enabled),
  };
}

/** Direct members as one derived table, so $filter on displayName works for users and groups alike. */
function membersQuery(db: Db, tenantId: string, groupId: string) {
  const inner = db.selectFrom('group_members as gm')
    .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'gm.tenant_id').onRef('u.id', '=', 'gm.member_id'))
    .leftJoin('groups as g', (j) => j.onRef('g.tenant_id', '=', 'gm.tenant_id').onRef('g.id', '=', 'gm.member_id'))
    .select((eb) => [
      'gm.member_id as id',
      eb.case().when('u.id', 'is not', null).then('user').else('group').end().as('kind'),
      eb.fn.coalesce('u.display_name', 'g.display_name').as('display_name'),
      'u.user_principal_name',
      eb.fn.coalesce('u.mail', 'g.mail').as('mail'),
      'g.mail_nickname',
      'g.mail_enabled',
      'g.security_enabled',
      'u.account_enabled',
      'u.user_type',
    ])
    .where('gm.tenant_id', '=', tenantId).where('gm.group_id', '=', groupId)
    .where((eb) => eb.or([eb('u.id', 'is not', null), eb('g.id', 'is not', null)]));
  return db.selectFrom(inner.as('m')).selectAll();
}

export async function requireGroup(db: Db, tenantId: string, key: string): Promise<GroupsTable> {
  const g = await db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', key), eb('id', '=', key.toLowerCase())])).executeTakeFirst();
  if (!g) throw Errors.resourceNotFound(key);
  return g;
}

export function groupRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.groups, graphType: GROUP_TYPE };
  const spec = (req: FastifyRequest): CollectionSpec<GroupsTable, Entity> => ({
    options: groupOptions,
    contextPath: 'groups',
    base: () => db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantOf(req)),
    countBase: () => db.selectFrom('groups').where('tenant_id', '=', tenantOf(req)),
    toEntity: groupToGraph,
  });
  const membersSpec = (tenantId: string, groupId: string): CollectionSpec<MemberRow, Entity> => ({
    options: memberOptions,
    contextPath: 'directoryObjects',
    base: () => membersQuery(db, tenantId, groupId) as never,
    countBase: () => membersQuery(db, tenantId, groupId).clearSelect() as never,
    toEntity: memberToGraph,
  });

  app.get('/groups', { config }, (req, reply) => sendCollection(req, reply, spec(req)));
  app.get('/groups/$count', { config }, (req, reply) => sendCount(req, reply, spec(req)));
  app.get('/groups/:groupKey', { config }, async (req, reply) => {
    const g = await requireGroup(db, tenantOf(req), keyParam(req, 'groupKey'));
    return sendEntity(req, reply, groupToGraph(g), 'groups', { typeName: GROUP_TYPE, selectable: GROUP_PROPERTIES });
  });
  app.get('/groups/:groupKey/members', { config }, async (req, reply) => {
    const g = await requireGroup(db, tenantOf(req), keyParam(req, 'groupKey'));
    return sendCollection(req, reply, membersSpec(g.tenant_id, g.id));
  });
  app.get('/groups/:groupKey/members/$count', { config }, async (req, reply) => {
    const g = await requireGroup(db, tenantOf(req), keyParam(req, 'groupKey'));
    return sendCount(req, reply, membersSpec(g.tenant_id, g.id));
  });
}
