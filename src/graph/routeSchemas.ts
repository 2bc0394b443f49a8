// The shared pieces of every route's schema, and the defaults that complete them where the surface is
// uniform: the OData system query options of a Graph GET, the Graph error envelope of every failure, and
// the response of a Graph route that declares none: the entity or collection its URL resolves to in the
// $metadata model (metadata/model), the one description of Graph's types. A route's own schema always wins.
import { Type, type TSchema } from 'typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { modelModules } from './metadata/model/index.js';
import { ALIAS, NAMESPACE, type EdmComplexType, type EdmEntityType, type EdmEnumType, type EdmOperation, type EdmProperty } from './metadata/edm.js';

const GRAPH_PREFIX = /^\/(beta|v1\.0)(?=\/|$)/i;

// ---- request pieces ------------------------------------------------------------------------------
/** A query option's value: a string, or several when the option is repeated (refused by the OData parser, with its own message). */
const option = (description: string) => Type.Unsafe<string>({ type: ['string', 'array'], items: { type: 'string' }, description });
/** The OData system query options (graph/odata/query.ts parses them; each resource says which it supports). */
export const ODataQuery = Type.Object({
  $select: Type.Optional(option('Properties to return, comma-separated.')),
  $filter: Type.Optional(option('OData filter expression.')),
  $orderby: Type.Optional(option('Properties to sort by, each optionally followed by asc or desc.')),
  $top: Type.Optional(option('Page size (1 to the resource maximum).')),
  $skip: Type.Optional(option('Items to skip.')),
  $count: Type.Optional(option('true: include @odata.count.')),
  $skiptoken: Type.Optional(option('Opaque continuation from @odata.nextLink.')),
  $expand: Type.Optional(option('Navigation properties to expand.')),
  $search: Type.Optional(option('Search expression.')),
}, { additionalProperties: true });
/** A request that sends nothing but its URL. */
export const NoQuery = Type.Object({}, { additionalProperties: true });
/** The body of an action without parameters: none, or `{}` (graph/requestChecks.ts noParameters refuses others first). */
export const NoBody = Type.Unsafe<Record<string, never> | undefined>({ type: ['object', 'null'], maxProperties: 0 });
/** A string path parameter. */
export const PathParams = <K extends string>(...names: K[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Type.String({ minLength: 1, maxLength: 2048 })])) as Record<K, ReturnType<typeof Type.String>>);

// ---- response pieces -----------------------------------------------------------------------------
export const GraphErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    target: Type.Optional(Type.String()),
    details: Type.Optional(Type.Array(Type.Object({ code: Type.String(), message: Type.String(), target: Type.Optional(Type.String()) }))),
    innerError: Type.Object({ date: Type.String(), 'request-id': Type.String(), 'client-request-id': Type.String() }),
  }),
}, { description: 'The Microsoft Graph error envelope.' });
/** 202 / 204 without a body. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content.' });
/** `…/$count`: a bare integer as text/plain. */
export const CountResponse = { content: { 'text/plain': { schema: Type.Integer({ minimum: 0, description: 'The number of items (honours $filter).' }) } } };
/** A JSON object whose shape is the caller's or varies (the admin API's raw records, $batch inner bodies). */
export const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

// ---- the $metadata model as JSON schemas -------------------------------------------------------------
type Structured = EdmEntityType | EdmComplexType;
const types = new Map<string, Structured | EdmEnumType>();
const operations: (EdmOperation & { namespace: string })[] = [];
const sets = new Map<string, { type: string; collection: boolean }>();
for (const m of modelModules) {
  const ns = m.namespace ?? NAMESPACE;
  for (const t of m.types) types.set(`${ns}.${t.name}`, t);
  for (const o of m.operations ?? []) operations.push({ ...o, namespace: ns });
  for (const c of m.container ?? []) sets.set(c.name.toLowerCase(), { type: qualified(c.type), collection: c.kind === 'entitySet' });
}

function qualified(ref: string): string {
  return ref.startsWith(`${ALIAS}.`) ? `${NAMESPACE}.${ref.slice(ALIAS.length + 1)}` : ref;
}
const collectionOf = (ref: string): string | undefined => /^Collection\((.+)\)$/.exec(ref)?.[1];

function chain(name: string): Structured[] {
  const out: Structured[] = [];
  for (let t = types.get(name); t && t.kind !== 'enum'; t = t.baseType ? types.get(qualified(t.baseType)) : undefined) out.push(t);
  return out;
}

const PRIMITIVE: Record<string, Record<string, unknown>> = {
  'Edm.String': { type: 'string' }, 'Edm.Boolean': { type: 'boolean' }, 'Edm.Int32': { type: 'integer' }, 'Edm.Int64': { type: 'integer' },
  'Edm.Double': { type: 'number' }, 'Edm.DateTimeOffset': { type: 'string', format: 'date-time' }, 'Edm.Guid': { type: 'string', format: 'uuid' },
  'Edm.Date': { type: 'string', format: 'date' }, 'Edm.Duration': { type: 'string', format: 'duration' }, 'Edm.Binary': { type: 'string', contentEncoding: 'base64' },
};

const cache = new Map<string, Record<string, unknown>>();
/** The JSON schema of a type reference (`Edm.String`, `graph.user`, `Collection(…)`), nullable when CSDL says so. */
function refSchema(ref: string, nullable: boolean, seen: Set<string>): Record<string, unknown> {
  const inner = collectionOf(ref);
  if (inner) return { type: 'array', items: refSchema(inner, false, seen) };
  const name = qualified(ref);
  const base = PRIMITIVE[name] ?? structuredSchema(name, seen);
  if (!nullable) return base;
  return base.type && typeof base.type === 'string' ? { ...base, type: [base.type, 'null'] } : { anyOf: [base, { type: 'null' }] };
}

/** An entity or complex type: its properties and its base types', open to annotations (`@odata.type`, `@xtm.…`). */
function structuredSchema(name: string, seen = new Set<string>()): Record<string, unknown> {
  const hit = cache.get(name);
  if (hit) return hit;
  const t = types.get(name);
  if (!t) return { description: name };
  if (t.kind === 'enum') return { type: 'string', enum: [...t.members], description: name };
  if (seen.has(name)) return { type: 'object', description: `${name} (recursive)` };
  const next = new Set(seen).add(name);
  const props: Record<string, unknown> = {};
  for (const p of chain(name).reverse().flatMap((x) => x.properties) as EdmProperty[]) props[p.name] = refSchema(p.type, p.nullable !== false, next);
  const out = { type: 'object', description: name, properties: props, additionalProperties: true };
  cache.set(name, out);
  return out;
}

/** One entity as a response: `@odata.context` and the type's properties (a `$select` returns a subset). */
export const entityOf = (typeName: string): TSchema =>
  Type.Unsafe({ ...structuredSchema(qualified(typeName)), properties: { '@odata.context': { type: 'string' }, ...(structuredSchema(qualified(typeName)).properties as object) } });

/** A page of a collection: `@odata.context`, `@odata.count` ($count=true), `value`, `@odata.nextLink`. */
export const collectionResponseOf = (typeName: string): TSchema => Type.Unsafe({
  type: 'object',
  description: `A page of ${qualified(typeName)}`,
  required: ['value'],
  properties: {
    '@odata.context': { type: 'string' }, '@odata.count': { type: 'integer' },
    value: { type: 'array', items: structuredSchema(qualified(typeName)) }, '@odata.nextLink': { type: 'string' },
  },
  additionalProperties: true,
});

type Resolved = { type: string; collection: boolean; operation?: boolean } | { count: true } | { none: true } | { stream: true };

/** What a Graph route's URL addresses in the model (entity sets, keys, properties, navigation, bound operations, path-based addressing). */
export function resolveGraphUrl(url: string, literal = false): Resolved | undefined {
  const segs = url.replace(GRAPH_PREFIX, '').replace(/::/g, ':').split('/').filter(Boolean);
  const first = segs.shift();
  let at: { type: string; collection: boolean; operation?: boolean } | undefined = first ? sets.get(first.toLowerCase()) : undefined;
  for (const raw of segs) {
    if (!at) return undefined;
    if (raw === '$count') return at.collection ? { count: true } : undefined;
    // OData's raw value of one entity: the bytes of a file attachment (…/attachments/{id}/$value).
    if (raw === '$value') return at.collection ? undefined : { stream: true };
    if (raw === '*') {
      // `root:/path/to/item` and `sites/{host}:/{path}`: one entity of the type, addressed by path
      at = { type: at.type, collection: false };
      continue;
    }
    const seg = raw.replace(/:$/, '');
    if (seg.startsWith(':') || (literal && at.collection && !boundOperation(seg.replace(/\(.*$/, ''), at))) {
      if (!at.collection) return undefined;
      at = { type: at.type, collection: false };
      continue;
    }
    const op = boundOperation(seg.replace(/\(.*$/, ''), at);
    if (op) {
      if (!op.returnType) return { none: true };
      const ret = op.returnType.type;
      at = { type: qualified(collectionOf(ret) ?? ret), collection: collectionOf(ret) !== undefined, operation: true };
      continue;
    }
    if (at.collection) return undefined;
    const member = chain(at.type).flatMap((t) => [...(t.kind === 'entity' ? t.navigation ?? [] : []), ...t.properties]).find((n) => n.name.toLowerCase() === seg.toLowerCase());
    if (!member) return undefined;
    if (member.type === 'Edm.Stream') return { stream: true };
    at = { type: qualified(collectionOf(member.type) ?? member.type), collection: collectionOf(member.type) !== undefined };
  }
  return at;
}

function boundOperation(seg: string, at: { type: string; collection: boolean }): EdmOperation | undefined {
  const name = seg.toLowerCase();
  const binding = (o: EdmOperation) => (collectionOf(o.bindingType) !== undefined) === at.collection && chain(at.type).some((t) => qualified(collectionOf(o.bindingType) ?? o.bindingType) === qualifiedName(t));
  return operations.find((o) => (name === o.name.toLowerCase() || name === `${o.namespace}.${o.name}`.toLowerCase()) && binding(o));
}
const qualifiedName = (t: Structured) => [...types].find(([, v]) => v === t)?.[0];

/** The first segment of a Graph request path the model cannot resolve (Graph names it in its 400), else the last one. */
export function unresolvedSegment(path: string): string {
  const clean = (path.split('?')[0] ?? path).replace(/\/+$/, '');
  const segs = clean.replace(GRAPH_PREFIX, '').split('/').filter(Boolean);
  const prefix = clean.match(GRAPH_PREFIX)?.[0] ?? '';
  for (let i = 1; i <= segs.length; i++) {
    if (!resolveGraphUrl(`${prefix}/${segs.slice(0, i).join('/')}`, true)) return decodeURIComponent(segs[i - 1]!);
  }
  return decodeURIComponent(segs[segs.length - 1] ?? '');
}

/**
 * A body of raw bytes (uploads): documented for any media type, read as a stream by the route's own
 * content-type parser. The schema has no type, so Fastify's validator passes the stream through untouched.
 */
export const BinaryBody = { content: { '*/*': { schema: Type.Unsafe<unknown>({ description: 'The bytes of the file (any media type; never parsed).', contentMediaType: 'application/octet-stream' }) } } };

/** A stream property's value (`…/content`): the bytes, as stored. */
export const StreamResponse = { content: { 'application/octet-stream': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } };

function responseFor(r: Resolved, method: string): Record<string, unknown> | undefined {
  if ('count' in r) return { 200: CountResponse };
  if ('none' in r) return { 204: NoContent };
  if ('stream' in r) return method === 'GET' ? { 200: StreamResponse } : undefined;
  if (r.operation || method === 'GET') return { 200: r.collection ? collectionResponseOf(r.type) : entityOf(r.type) };
  // Graph's write conventions: POST to a collection creates (201 + entity), PATCH answers the entity, DELETE 204.
  if (method === 'POST' && r.collection) return { 201: entityOf(r.type) };
  if (method === 'PUT' && !r.collection) return { 200: entityOf(r.type), 201: entityOf(r.type) };
  if (method === 'PATCH' && !r.collection) return { 200: entityOf(r.type) };
  if (method === 'DELETE' && !r.collection) return { 204: NoContent };
  return undefined;
}

/**
 * onRoute: every route answers errors with the Graph envelope (documented as the default response); a
 * Graph GET takes the OData query options; a Graph route without a response schema gets the one its URL
 * resolves to in the model. Hidden routes (the 405 fillers, /openapi.json itself) are left alone.
 */
export function installSchemaDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = { ...(route.schema ?? {}) } as Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> };
    if (schema.hide) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => String(m).toUpperCase());
    const graph = GRAPH_PREFIX.test(route.url);
    if (graph && methods.includes('GET') && !schema.querystring) schema.querystring = ODataQuery;
    // Path parameters are strings named by the URL (`:userKey`); a route that reads them without a schema gets this one.
    const names = [...route.url.matchAll(/(?<!:):([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
    // (Not for function calls `name(:args)`: the router names that parameter `args)`.)
    if (graph && names.length > 0 && !schema.params && !route.url.includes('(')) schema.params = PathParams(...names);
    if (graph && !schema.response) {
      const r = resolveGraphUrl(route.url);
      const response = r && responseFor(r, methods[0]!);
      if (response) schema.response = response;
    }
    if (schema.response && !schema.response.default) schema.response = { ...schema.response, default: GraphErrorBody };
    route.schema = schema;
  });
}
