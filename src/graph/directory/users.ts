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
import { collectionOptions, flag, keyParam, parseJson, requireUser, sendEntity, tenantOf, type Db, type Entity } from './common.js';

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

export interface UserRow {
  id: string;
  user_principal_name: string;
  display_name: string;
  mail: string | null;
  account_enabled: number;
  user_type: string;
  licenses: string;
  created_at: string;
  alias: string | null;
  email_addresses: string | null;
}

/** Users joined with their recipient (proxyAddresses and mailNickname live in Exchange). */
export function usersQuery(db: Db, tenantId: string) {
  return db.selectFrom('users as u')
    .leftJoin('recipients as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.id'))
    .select(['u.id', 'u.user_principal_name', 'u.display_name', 'u.mail', 'u.account_enabled', 'u.user_type', 'u.licenses', 'u.created_at', 'r.alias', 'r.email_addresses'])
    .where('u.tenant_id', '=', tenantId);
}

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
    createdDateTime: r.created_at,
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
    base: () => usersQuery(db, tenantOf(req)) as never,
    countBase: () => db.selectFrom('users as u').where('u.tenant_id', '=', tenantOf(req)) as never,
    toEntity: userToGraph,
  });

  app.get('/users', { config }, (req, reply) => sendCollection(req, reply, spec(req)));
  app.get('/users/$count', { config }, (req, reply) => sendCount(req, reply, spec(req)));
  app.get('/users/:userKey', { config }, async (req, reply) => {
    const key = keyParam(req, 'userKey');
    const u = await requireUser(db, tenantOf(req), key, Errors.resourceNotFound);
    const row = await usersQuery(db, tenantOf(req)).where('u.id', '=', u.id).executeTakeFirstOrThrow();
    return sendEntity(req, reply, userToGraph(row as UserRow), 'users', { typeName: USER_TYPE, selectable: USER_PROPERTIES });
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
    const rows = await db.selectFrom('users').select('licenses').where('tenant_id', '=', tenantId).execute();
    const consumed = new Map<string, number>(KNOWN_SKUS.map((s) => [s, 0]));
    for (const r of rows) for (const s of parseJson<string[]>(r.licenses, [])) consumed.set(s, (consumed.get(s) ?? 0) + 1);
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
    const t = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
    const domains = await db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
    const value = t ? [{
      id: t.id,
      displayName: t.display_name,
      createdDateTime: t.created_at,
      tenantType: 'AAD',
      verifiedDomains: domains.filter((d) => d.is_verified === 1).map((d) => ({
        capabilities: 'Email, OfficeCommunicationsOnline', isDefault: d.is_default === 1, isInitial: d.is_initial === 1, name: d.name, type: 'Managed',
      })),
    }] : [];
    return sendOData(reply, 200, { '@odata.context': metadataContext(req, 'organization'), value });
  });
}
