// /solutions/sharePoint/migrations/crossOrganizationUserMappings and …GroupMappings (graph-api-surface
// §8.5–8.6, M1–M5): get by alternate key or id, paged list, $count, and the delta PATCH. The map is the
// caller's (the target tenant's): the same rows the CSV import, the ODSP mover and validation read.
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { principalOf } from '../auth/guard.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import type { CollectionOptions } from '../odata/query.js';
import type { FieldMap } from '../odata/fields.js';
import { spoMappingRepo, toGroupMapping, toUserMapping } from '../../store/spoMappingRepo.js';
import { GUID_RE, SpoGroupTypes, SpoUserTypes, sourceKeyOfMappingId } from '../../domain/spoIdentityMap.js';
import { GROUP_MAPPINGS, USER_MAPPINGS, keyOf, sendEntity, spManage, spRead } from './common.js';
import {
  GROUP_MAPPING_PROPERTIES, GROUP_MAPPING_TYPE, USER_MAPPING_PROPERTIES, USER_MAPPING_TYPE, deletedGroupMapping, deletedUserMapping,
  groupMappingToGraph, userMappingToGraph,
} from './mappingSerialize.js';
import { parseGroupDelta, parseUserDelta } from './mappingDelta.js';
import { DeltaBody, KeyParams } from './schemas.js';
import { collectionResponseOf } from '../routeSchemas.js';

const USER_FIELDS: FieldMap = {
  id: { column: 'id', type: 'string' },
  sourceOrganizationId: { column: 'source_organization_id', type: 'guid' },
  userType: { column: 'user_type', type: 'enum', enumValues: SpoUserTypes },
  'sourceUserIdentity/userPrincipalName': { column: 'source_upn_key', type: 'string', caseInsensitive: true },
  'targetUserIdentity/userPrincipalName': { column: 'target_upn_key', type: 'string', caseInsensitive: true },
};
const GROUP_FIELDS: FieldMap = {
  id: { column: 'id', type: 'string' },
  sourceOrganizationId: { column: 'source_organization_id', type: 'guid' },
  groupType: { column: 'group_type', type: 'enum', enumValues: SpoGroupTypes },
  'sourceGroupIdentity/id': { column: 'source_group_id', type: 'guid' },
  'targetGroupIdentity/id': { column: 'target_group_id', type: 'guid' },
};
const userOptions: CollectionOptions = {
  typeName: USER_MAPPING_TYPE, fields: USER_FIELDS, selectable: USER_MAPPING_PROPERTIES, defaultPageSize: 100, maxPageSize: 999, defaultOrderBy: [], keyColumn: 'source_upn_key',
};
const groupOptions: CollectionOptions = {
  typeName: GROUP_MAPPING_TYPE, fields: GROUP_FIELDS, selectable: GROUP_MAPPING_PROPERTIES, defaultPageSize: 100, maxPageSize: 999, defaultOrderBy: [], keyColumn: 'source_group_id',
};

/** Each item of a $delta response names its type, as Graph's delta payloads do (the docs' PATCH examples). */
const typed = (type: string, item: Record<string, unknown>) => ({ '@odata.type': `#${type}`, ...item });
const DELTA_MESSAGE = 'The request body must be a delta payload: {"@context":"#$delta","value":[…]}.';
const userNotFound = Errors.userMappingNotFound;
const groupNotFound = Errors.groupMappingNotFound;

export function spoMappingRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const tenantOf = (req: FastifyRequest) => principalOf(req).tenantId;

  /** `(sourceUserPrincipalName='…')`, `('<id>')` or a bare id. */
  async function userByKey(req: FastifyRequest) {
    const k = keyOf(req);
    let upn: string | undefined;
    if (k.kind === 'alt') {
      if (k.property !== 'sourceUserPrincipalName') throw Errors.badRequest(`'${k.property}' is not an alternate key of sharePointUserIdentityMapping; use sourceUserPrincipalName.`);
      upn = k.value;
    } else upn = sourceKeyOfMappingId('user', k.value);
    const row = upn === undefined ? undefined : await spoMappingRepo.user(db, tenantOf(req), upn);
    if (!row) throw userNotFound(k.value);
    return row;
  }
  async function groupByKey(req: FastifyRequest) {
    const k = keyOf(req);
    let id: string | undefined;
    if (k.kind === 'alt') {
      if (k.property !== 'sourceGroupObjectId') throw Errors.badRequest(`'${k.property}' is not an alternate key of sharePointGroupIdentityMapping; use sourceGroupObjectId.`);
      if (!GUID_RE.test(k.value)) throw Errors.badRequest(`sourceGroupObjectId '${k.value}' is not a valid GUID.`, 'sourceGroupObjectId');
      id = k.value;
    } else id = sourceKeyOfMappingId('group', k.value);
    const row = id === undefined ? undefined : await spoMappingRepo.group(db, tenantOf(req), id);
    if (!row) throw groupNotFound(k.value);
    return row;
  }

  const userSpec = (req: FastifyRequest): CollectionSpec<any, Record<string, unknown>> => ({
    options: userOptions, contextPath: USER_MAPPINGS.slice(1), source: spoMappingRepo.listUsers(db, tenantOf(req)), toEntity: (r) => userMappingToGraph(toUserMapping(r)),
  });
  const groupSpec = (req: FastifyRequest): CollectionSpec<any, Record<string, unknown>> => ({
    options: groupOptions, contextPath: GROUP_MAPPINGS.slice(1), source: spoMappingRepo.listGroups(db, tenantOf(req)), toEntity: (r) => groupMappingToGraph(toGroupMapping(r)),
  });

  const readU = spRead(USER_MAPPING_TYPE);
  const readG = spRead(GROUP_MAPPING_TYPE);
  app.get(USER_MAPPINGS, { config: readU }, (req, reply) => sendCollection(req, reply, userSpec(req)));
  app.get(`${USER_MAPPINGS}/$count`, { config: readU }, (req, reply) => sendCount(req, reply, userSpec(req)));
  app.get(`${USER_MAPPINGS}/:key`, { config: readU, schema: { params: KeyParams } }, async (req, reply) =>
    sendEntity(req, reply, userMappingToGraph(toUserMapping(await userByKey(req))), `${USER_MAPPINGS.slice(1)}/$entity`, USER_MAPPING_TYPE, USER_MAPPING_PROPERTIES));
  app.get(GROUP_MAPPINGS, { config: readG }, (req, reply) => sendCollection(req, reply, groupSpec(req)));
  app.get(`${GROUP_MAPPINGS}/$count`, { config: readG }, (req, reply) => sendCount(req, reply, groupSpec(req)));
  app.get(`${GROUP_MAPPINGS}/:key`, { config: readG, schema: { params: KeyParams } }, async (req, reply) =>
    sendEntity(req, reply, groupMappingToGraph(toGroupMapping(await groupByKey(req))), `${GROUP_MAPPINGS.slice(1)}/$entity`, GROUP_MAPPING_TYPE, GROUP_MAPPING_PROPERTIES));

  app.patch(USER_MAPPINGS, { config: { ...spManage(USER_MAPPING_TYPE), bodyMessage: DELTA_MESSAGE }, schema: { body: DeltaBody, response: { 200: collectionResponseOf(USER_MAPPING_TYPE) } } }, async (req, reply) => {
    const ops = parseUserDelta(req.body);
    const r = await spoMappingRepo.applyUserDelta(db, tenantOf(req), ops, deps.clock.iso());
    if (!r.ok) throw Errors.identityMapOneToOne(r.conflicts);
    const value = ops.map((o, i) => typed(USER_MAPPING_TYPE, o.op === 'delete' ? deletedUserMapping(o.sourceUserPrincipalName) : userMappingToGraph(toUserMapping(r.rows[i]!))));
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, `${USER_MAPPINGS.slice(1)}/$delta`), value });
  });
  app.patch(GROUP_MAPPINGS, { config: { ...spManage(GROUP_MAPPING_TYPE), bodyMessage: DELTA_MESSAGE }, schema: { body: DeltaBody, response: { 200: collectionResponseOf(GROUP_MAPPING_TYPE) } } }, async (req, reply) => {
    const ops = parseGroupDelta(req.body);
    const r = await spoMappingRepo.applyGroupDelta(db, tenantOf(req), ops, deps.clock.iso());
    if (!r.ok) throw Errors.identityMapOneToOne(r.conflicts);
    const value = ops.map((o, i) => typed(GROUP_MAPPING_TYPE, o.op === 'delete' ? deletedGroupMapping(o.sourceGroupId) : groupMappingToGraph(toGroupMapping(r.rows[i]!))));
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, `${GROUP_MAPPINGS.slice(1)}/$delta`), value });
  });
}
