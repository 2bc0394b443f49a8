// Builds the Fastify app with Microsoft Graph's conventions: request-id / client-request-id, the
// Graph error envelope on every error, case-insensitive paths, OData key segments, 404 / 405.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import addFormats from 'ajv-formats';

const formatsPlugin = ((addFormats as unknown as { default?: unknown }).default ?? addFormats) as (ajv: unknown) => unknown;
import { Errors, fromDomainError, GraphError, graphErrorDate } from './errors.js';
import { DomainError } from '../domain/errors.js';
import { parseStrictJson } from './strictJson.js';
import { expectedTypeOf, wrongOdataType } from './requestChecks.js';
import { invalidDateTime } from '../domain/jobInput.js';
import { clientErrorHandler, drainRequestBody, noteEarlyAnswer } from './clientErrors.js';
import { parseDateTimeOffset } from '../domain/dateTime.js';
import { ODataQueryError } from './odata/errors.js';
import { withDollarPrefixes, type RawQuery } from './odata/query.js';
import { rewriteKeySegments } from './odataResponse.js';
import type { AppDeps } from './deps.js';
import { installOpenApi } from './openapi.js';
import { adminValidatorCompiler } from './admin/validate.js';
import { installSchemaDefaults, unresolvedSegment } from './routeSchemas.js';
import type { RouteList } from './routes.js';

export type GraphApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** A route a module registered, with its schema as completed by routeSchemas.ts (openapi.test.ts reads it). */
export interface ServedRoute { method: string; url: string; schema?: Record<string, unknown> }

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route's body must be, said when it is not a JSON object at all (default: Fastify's wording). */
    bodyMessage?: string;
  }
  interface FastifyInstance {
    /** Routes the feature modules registered (method, url as written), without the 405 fillers. */
    servedRoutes: ServedRoute[];
  }
}

export type RouteModule = (app: GraphApp, deps: AppDeps) => Promise<void> | void;

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export async function buildApp(deps: AppDeps, modules: RouteList, opts: { https?: { key: string; cert: string } } = {}): Promise<GraphApp> {
  // A request's headers and body must arrive within requestTimeoutMs (slow-body clients are cut off),
  // checked four times a second rather than Node's default 30 s: connections opened together (a burst of
  // slow clients) are then cut in several small batches, not one that stalls the event loop.
  const timeouts = { connectionsCheckingInterval: Math.min(250, deps.config.requestTimeoutMs || 250), headersTimeout: Math.min(60_000, deps.config.requestTimeoutMs || 60_000) };
  const options = {
    ...(opts.https ? { https: { ...opts.https, ...timeouts } } : { http: timeouts }),
    requestTimeout: deps.config.requestTimeoutMs,
    // One access line per request at info, written by graph/health.ts (requestLogModule), not Fastify's two.
    loggerInstance: deps.log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimit,
    genReqId: () => randomUUID(),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    // Errors raised before routing (malformed URL, over-long segment) still get the Graph envelope.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => sendGraphError(req, reply, toGraphError(err, req)),
    // Errors Node's HTTP parser raises before any request exists (unknown method, huge header or URL).
    clientErrorHandler,
    rewriteUrl: (req: { url?: string }) => rewriteKeySegments(req.url ?? '/'),
    ajv: {
      customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false, verbose: true },
      // `format: 'date-time'` is the API's one Edm.DateTimeOffset parser (domain/dateTime.ts), not RFC 3339's.
      plugins: [formatsPlugin, (ajv: { addFormat(name: string, f: { type: string; validate: (s: string) => boolean }): unknown }) => ajv.addFormat('date-time', { type: 'string', validate: (v) => parseDateTimeOffset(v) !== undefined })],
    },
  };
  // Fastify's overloads split http and https servers; both are configured from one options object.
  const app = (Fastify as unknown as (o: typeof options) => FastifyInstance)(options).withTypeProvider<TypeBoxTypeProvider>() as unknown as GraphApp;

  // An answer sent before the request's body arrived: the timeout that later cuts that body writes nothing (clientErrors.ts).
  app.addHook('onResponse', (req, _reply, done) => {
    noteEarlyAnswer(req.raw);
    done();
  });

  // Correlation headers on every response, errors included.
  app.addHook('onRequest', (req, reply, done) => {
    const clientId = headerValue(req, 'client-request-id') ?? req.id;
    reply.header('request-id', req.id).header('client-request-id', clientId);
    done();
  });

  // JSON bodies: empty is allowed (Graph clients send Content-Type on body-less actions), invalid is a Graph 400.
  // Only JSON (Graph) and form bodies (token endpoint); anything else is a 415, not a silently-parsed string.
  app.removeAllContentTypeParsers();
  // Every JSON body is strict (strictJson.ts): duplicate or prototype keys and control characters are a 400.
  app.addContentTypeParser(/^application\/json/i, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parseStrictJson(text));
    } catch (e) {
      done(e as GraphError, undefined);
    }
  });
  // Form bodies only where a route asks for them (the token endpoint); a form-encoded Graph or admin call is a 415.
  app.addContentTypeParser(/^application\/x-www-form-urlencoded/i, { parseAs: 'string' }, (req, body, done) => {
    if (!req.routeOptions.config?.formBody) return done(Errors.unsupportedMediaType(String(req.headers['content-type'] ?? '')), undefined);
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.setErrorHandler(async (err: FastifyError | Error, req, reply) => {
    // A body over the limit is refused from its Content-Length before it is read; read (and drop) it
    // first, so the client is not cut off mid-upload (EPIPE) and receives the 413.
    if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') await drainRequestBody(req.raw);
    return sendGraphError(req, reply, toGraphError(err, req), req.routeOptions?.config?.graphType);
  });
  // Under /beta and /v1.0 an unknown segment is Graph's 400; elsewhere (admin, identity) a plain 404.
  app.setNotFoundHandler((req, reply) => sendGraphError(req, reply, /^\/(beta|v1\.0)(\/|$)/i.test(req.url) ? Errors.segmentNotFound(unresolvedSegment(req.url)) : Errors.notFoundPath(req.method, req.url)));

  // Response schemas document and type the answers (and /openapi.json); they never reshape a payload:
  // JSON.stringify writes exactly what a handler built, so a schema cannot silently drop or coerce a value.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));

  // OpenAPI is collected from the route schemas as they register (graph/openapi.ts).
  await installOpenApi(app);
  // Every route's schema is completed where the surface is uniform (OData options, error answers): routeSchemas.ts.
  installSchemaDefaults(app);

  // Every path a module registers answers other methods with a Graph 405 rather than a 404.
  // servedRoutes keeps what the modules registered (not the 405 fillers): $metadata's and OpenAPI's tests read it.
  const methodsByUrl = new Map<string, Set<string>>();
  const servedRoutes: ServedRoute[] = [];
  let sealed = false;
  app.decorate('servedRoutes', servedRoutes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!sealed) for (const m of methods) if (m !== 'HEAD') servedRoutes.push({ method: String(m).toUpperCase(), url: route.url, schema: route.schema as Record<string, unknown> | undefined });
    const set = methodsByUrl.get(route.url) ?? new Set<string>();
    for (const m of methods) set.add(String(m).toUpperCase());
    methodsByUrl.set(route.url, set);
  });

  // Hooks that must see every route (the admin key guard) run on the root context, before any route exists.
  for (const mod of modules.global) await mod(app, deps);
  for (const mod of modules.root) await app.register(async (scoped) => mod(scoped as GraphApp, deps));
  // The admin plane: its requests are checked by TypeBox against the tenant model's schemas (admin/validate.ts).
  await app.register(async (admin) => {
    admin.setValidatorCompiler(adminValidatorCompiler);
    for (const mod of modules.admin) await admin.register(async (scoped) => mod(scoped as GraphApp, deps));
  });
  for (const prefix of ['/beta', '/v1.0']) {
    await app.register(async (scoped) => {
      if (prefix === '/beta') {
        scoped.addHook('preValidation', (req, _reply, done) => {
          req.query = withDollarPrefixes(req.query as RawQuery);
          done();
        });
      }
      for (const mod of modules.graph) await mod(scoped as GraphApp, deps);
    }, { prefix });
  }
  sealed = true;
  await app.register(async (scoped) => {
    for (const [url, methods] of [...methodsByUrl]) {
      if (methods.has('405')) continue;
      const missing = METHODS.filter((m) => !methods.has(m));
      if (missing.length === 0) continue;
      const allow = [...methods].filter((m) => (METHODS as readonly string[]).includes(m)).join(', ');
      scoped.route({
        method: [...missing],
        url,
        schema: { hide: true },
        handler: async (req) => {
          throw Errors.methodNotAllowedOn(req.method, req.url.split('?')[0] ?? req.url, allow);
        },
      });
    }
  });
  return app;
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 256 ? s : undefined;
}

/** Anything thrown becomes a GraphError; an unexpected error is logged and reported as a 500 without details. */
export function toGraphError(err: unknown, req: FastifyRequest): GraphError {
  if (err instanceof GraphError) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  if (err instanceof ODataQueryError) return Errors.badRequest(err.message, err.option);
  const e = err as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (e.validation && Array.isArray(e.validation)) return validationError(e.validation as AjvError[], e.validationContext ?? 'body', req.routeOptions?.config?.graphType ?? 'microsoft.graph.entity', req.body, req.routeOptions?.config?.bodyMessage);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.payloadTooLarge(req.routeOptions.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMediaType(String(req.headers['content-type'] ?? ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return Errors.invalidJson();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Errors.badRequest('The Content-Length header does not match the request body.');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return Errors.badRequest('The request URL is malformed.');
  }
  // A unique index caught a race two requests lost between check and insert (SQLite / PostgreSQL codes).
  const dbCode = (err as { code?: string }).code;
  if (dbCode === 'SQLITE_CONSTRAINT_UNIQUE' || dbCode === 'SQLITE_CONSTRAINT_PRIMARYKEY' || dbCode === '23505') {
    return Errors.concurrentCreate();
  }
  // PostgreSQL text cannot hold U+0000 (SQLite can): such a value can match nothing stored, so it is bad input.
  if (dbCode === '22021' || dbCode === '22P05') return Errors.badRequest('The request contains a character that is not allowed (U+0000).');
  if (e.statusCode === 414) return Errors.uriTooLong();
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return Errors.framework(e.statusCode, e.message);
  }
  req.log.error({ err }, 'unhandled error');
  return Errors.internal();
}

interface AjvError { instancePath: string; keyword: string; message?: string; params: Record<string, unknown>; parentSchema?: { format?: string; 'x-typeErrorIsDateTime'?: boolean } }

function validationError(errors: AjvError[], context: string, graphType: string, body: unknown, bodyMessage?: string): GraphError {
  const first = errors[0];
  if (!first) return Errors.badRequest(`Invalid request ${context}.`);
  // /exchangeSettings/sourceEndpoint → exchangeSettings.sourceEndpoint; /resources/3 → resources[3]
  const path = first.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (first.keyword === 'additionalProperties') {
    const prop = String(first.params.additionalProperty);
    const full = path ? `${path}.${prop}` : prop;
    return context === 'body' ? Errors.unknownProperty(full, graphType) : Errors.badRequest(`Unknown ${context} parameter '${full}'.`);
  }
  if (first.keyword === 'required') {
    const prop = String(first.params.missingProperty);
    return Errors.missingProperty(path ? `${path}.${prop}` : prop);
  }
  if (!path && context === 'body' && first.keyword === 'type' && bodyMessage) return Errors.badRequest(bodyMessage);
  if (!path) return Errors.badRequest(`Invalid request ${context}: ${first.message ?? 'invalid value'}.`);
  const value = context === 'body' ? valueAt(body, first.instancePath) : undefined;
  const expectedType = first.keyword === 'pattern' && path.endsWith('@odata.type') ? expectedTypeOf(first.params.pattern) : undefined;
  if (expectedType) return wrongOdataType(path, value, expectedType);
  const dateTime = (first.keyword === 'format' && first.params.format === 'date-time') || (first.keyword === 'type' && first.parentSchema?.['x-typeErrorIsDateTime'] === true);
  if (dateTime && context === 'body') return fromDomainError(invalidDateTime(path, value));
  return Errors.invalidProperty(path, first.message ?? 'invalid value');
}

/** The value at a JSON pointer of the request body (for messages that quote it). */
function valueAt(body: unknown, pointer: string): unknown {
  let v = body;
  for (const seg of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

export function sendGraphError(req: FastifyRequest, reply: FastifyReply, err: GraphError, _graphType?: string): FastifyReply {
  if (err.status >= 500) req.log.warn({ code: err.code, msg: err.message }, 'graph error');
  const clientId = headerValue(req, 'client-request-id') ?? req.id;
  reply.header('request-id', req.id).header('client-request-id', clientId);
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.target) body.target = err.target;
  if (err.details?.length) body.details = err.details;
  body.innerError = { date: graphErrorDate(new Date()), 'request-id': req.id, 'client-request-id': clientId };
  if (err.headers) reply.headers(err.headers);
  return reply.code(err.status).header('content-type', 'application/json; charset=utf-8').send({ error: body });
}
