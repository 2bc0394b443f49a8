// /users, /users/{id | userPrincipalName}, /subscribedSkus and /organization: the caller's directory.
// A user of another tenant is answered exactly like a missing one (Request_ResourceNotFound).
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { sendCollection, sendCount, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import { DirectoryPermissions } from './permissions.js';
import { assignedLicenses, KNOWN_SKUS, skuIdOf } from './licenses.js';
import { collectionOptions, flag, keyParam, parseJson, requireUser, sendEntity, tenantOf, type Entity } from './common.js';
import { directoryRepo, type UserRow } from '../../store/directoryRepo.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

export type { UserRow };

const USER_TYPE = 'microsoft.graph.user';

export const USER_FIELDS: FieldMap = {
  id: { column: 'u.id', type: 'string', caseInsensitive: true },
  userPrincipalName: { column: 'u.user_principal_name', type: 'string', caseInsensitive: true },
  displayName: { column: 'u.display_name', type: 'string', caseInsensitive: true },
  mail: { column: 'u.mail', type: 'string', caseInsensitive: true },
  accountEnabled: { column: 'u.account_enabled', type: 'bool' },
  userType: { column: 'u.user_type', type: 'enum', enumValues: ['Member', 'Guest'] },
  createdDateTime: { column: 'u.created_at', type: 'datetime' },
};

export const USER_PROPERTIES = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname',
  'userPrincipalName', 'id', 'accountEnabled', 'userType', 'createdDateTime', 'mailNickname', 'assignedLicenses', 'proxyAddresses',
] as const;

const userOptions = collectionOptions({
  typeName: USER_TYPE, fields: USER_FIELDS, selectable: USER_PROPERTIES, orderBy: [{ field: 'userPrincipalName', direction: 'asc' }], keyColumn: 'u.id',
});

export function userToGraph(r: UserRow): Entity {
  return {
    businessPhones: [],
    displayName: r.display_name,
    givenName: null,
    jobTitle: null,
    mail: r.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: r.user_principal_name,
    id: r.id,
    accountEnabled: flag(r.account_enabled),
    userType: r.user_type,
    createdDateTime: formatDateTimeOffset(r.created_at),
    mailNickname: r.alias ?? r.user_principal_name.split('@')[0],
    assignedLicenses: assignedLicenses(parseJson<string[]>(r.licenses, [])),
    proxyAddresses: parseJson<string[]>(r.email_addresses, []),
  };
}

export function userRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.users, graphType: USER_TYPE };
  const spec = (req: FastifyRequest): CollectionSpec<UserRow, Entity> => ({
    options: userOptions,
    contextPath: 'users',
    source: directoryRepo.users(db, tenantOf(req)),
    toEntity: userToGraph,
  });

  app.get('/users', { config }, (req, reply) => sendCollection(req, reply, spec(req)));
  app.get('/users/$count', { config }, (req, reply) => sendCount(req, reply, spec(req)));
  app.get('/users/:userKey', { config }, async (req, reply) => {
    const key = keyParam(req, 'userKey');
    const u = await requireUser(db, tenantOf(req), key, Errors.resourceNotFound);
    const row = await directoryRepo.userRow(db, tenantOf(req), u.id);
    if (!row) throw Errors.resourceNotFound(key);
    return sendEntity(req, reply, userToGraph(row), 'users', { typeName: USER_TYPE, selectable: USER_PROPERTIES });
  });
  app.get('/users/:userKey/assignedLicenses', { config }, async (req, reply) => {
    const u = await requireUser(db, tenantOf(req), keyParam(req, 'userKey'), Errors.resourceNotFound);
    return sendOData(reply, 200, {
      '@odata.context': metadataContext(req, `users('${u.id}')/assignedLicenses`),
      value: assignedLicenses(parseJson<string[]>(u.licenses, [])),
    });
  });

  // A handful of SKUs per tenant: computed in memory rather than paged.
  app.get('/subscribedSkus', { config: { permissions: DirectoryPermissions.organization } }, async (req, reply) => {
    const tenantId = tenantOf(req);
    const consumed = new Map<string, number>(KNOWN_SKUS.map((s) => [s, 0]));
    for (const licenses of await directoryRepo.userLicenses(db, tenantId)) for (const s of parseJson<string[]>(licenses, [])) consumed.set(s, (consumed.get(s) ?? 0) + 1);
    const value = [...consumed].map(([part, used]) => ({
      capabilityStatus: 'Enabled',
      consumedUnits: used,
      id: `${tenantId}_${skuIdOf(part)}`,
      prepaidUnits: { enabled: Math.max(10000, used), suspended: 0, warning: 0, lockedOut: 0 },
      servicePlans: [],
      skuId: skuIdOf(part),
      skuPartNumber: part,
      appliesTo: 'User',
    }));
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, 'subscribedSkus'), value });
  });

  app.get('/organization', { config: { permissions: DirectoryPermissions.organization } }, async (req, reply) => {
    const tenantId = tenantOf(req);
    const found = await directoryRepo.tenantWithDomains(db, tenantId);
    const value = found ? [{
      id: found.tenant.id,
      displayName: found.tenant.display_name,
      createdDateTime: formatDateTimeOffset(found.tenant.created_at),
      tenantType: 'AAD',
      verifiedDomains: found.domains.filter((d) => d.is_verified === 1).map((d) => ({
        capabilities: 'Email, OfficeCommunicationsOnline', isDefault: d.is_default === 1, isInitial: d.is_initial === 1, name: d.name, type: 'Managed',
      })),
    }] : [];
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, 'organization'), value });
  });
}
