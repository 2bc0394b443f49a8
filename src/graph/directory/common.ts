// Shared plumbing of the workload read endpoints: the caller's tenant, key segments, single-entity
// answers with $select, collection options, and the user lookup every /users/{id}/… path starts with.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UsersTable } from '../../store/schema.js';
import type { Store } from '../../store/db.js';
import type { GraphError } from '../errors.js';
import { principalOf } from '../auth/guard.js';
import { metadataContext, parseKeySegment, sendOData } from '../odataResponse.js';
import { applySelect, contextSuffixForSelect } from '../odata/paging.js';
import { parseEntityQuery, type CollectionOptions, type RawQuery, type SortDirection } from '../odata/query.js';
import type { FieldMap } from '../odata/fields.js';
import { findUserRow } from '../../store/tenantsRepo.js';
export { parseJson } from '../../store/json.js';

/** The store's query handle, named without kysely (only store/ imports it). */
export type Db = Store['db'];
export type Entity = Record<string, unknown>;

export const tenantOf = (req: FastifyRequest): string => principalOf(req).tenantId;

/** A key path parameter after rewriteKeySegments: `abc`, `'abc'` or `prop='abc'` → the value. */
export function keyParam(req: FastifyRequest, name: string): string {
  const raw = (req.params as Record<string, string | undefined>)[name] ?? '';
  return parseKeySegment(raw).value;
}

/** `users('<id>')`-style context prefixes; quotes inside keys are doubled as OData requires. */
export const keyed = (set: string, key: string): string => `${set}('${key.replace(/'/g, "''")}')`;

/** One entity with `@odata.context` (…/$entity, or the $select list) and $select applied. */
export function sendEntity(req: FastifyRequest, reply: FastifyReply, body: Entity, fragment: string, opts: { typeName: string; selectable: readonly string[] }) {
  const { select } = parseEntityQuery(req.query as RawQuery, opts);
  const context = select ? `${fragment}${contextSuffixForSelect(select)}/$entity` : `${fragment}/$entity`;
  return sendOData(reply, 200, { '@odata.context': metadataContext(req, context), ...applySelect(body, select) });
}

export function collectionOptions(o: {
  typeName: string;
  fields: FieldMap;
  selectable: readonly string[];
  orderBy: readonly { field: string; direction: SortDirection }[];
  keyColumn: string;
  pageSize?: number;
}): CollectionOptions {
  return {
    typeName: o.typeName,
    fields: o.fields,
    selectable: o.selectable,
    defaultPageSize: o.pageSize ?? 100,
    maxPageSize: 999,
    defaultOrderBy: o.orderBy,
    keyColumn: o.keyColumn,
  };
}

/** Users are addressed by object id or by userPrincipalName (case-insensitive), within one tenant. */
export const findUser = findUserRow;

export async function requireUser(db: Db, tenantId: string, key: string, notFound: (key: string) => GraphError): Promise<UsersTable> {
  const u = await findUser(db, tenantId, key);
  if (!u) throw notFound(key);
  return u;
}

export const flag = (v: number | null | undefined): boolean => v === 1;

