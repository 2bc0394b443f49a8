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
import { directoryRepo, type GroupMemberRow as MemberRow } from '../../store/directoryRepo.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

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
    createdDateTime: formatDateTimeOffset(g.created_at),
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

export async function requireGroup(db: Db, tenantId: string, key: string): Promise<GroupsTable> {
  const g = await directoryRepo.group(db, tenantId, key);
  if (!g) throw Errors.resourceNotFound(key);
  return g;
}

export function groupRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.groups, graphType: GROUP_TYPE };
  const spec = (req: FastifyRequest): CollectionSpec<GroupsTable, Entity> => ({
    options: groupOptions,
    contextPath: 'groups',
    source: directoryRepo.groups(db, tenantOf(req)),
    toEntity: groupToGraph,
  });
  const membersSpec = (tenantId: string, groupId: string): CollectionSpec<MemberRow, Entity> => ({
    options: memberOptions,
    contextPath: 'directoryObjects',
    source: directoryRepo.groupMembers(db, tenantId, groupId),
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
