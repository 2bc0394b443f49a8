// Runs a planned batch: each inner request is dispatched in-process through the same Fastify app
// (inject), so it passes the same routing, auth, validation and error envelope as a direct call.
// Requests whose dependencies are done run together; a failed dependency gives 424.
import type { FastifyInstance } from 'fastify';
import { batchOriginHeader } from '../odataResponse.js';
import { graphErrorDate } from '../errors.js';
import { headerOf, type BatchStep } from './plan.js';
import type { BatchResponseItem } from './schemas.js';

export interface BatchContext {
  app: FastifyInstance;
  version: string; // 'beta' | 'v1.0' (the outer request's)
  origin: string; // outer request's origin, for @odata.context and nextLinks
  authorization?: string;
  clientRequestId: string;
}

// Response headers a batch item reports (hop-by-hop and connection headers are the outer response's).
const DROPPED_RESPONSE_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date']);
// Header names as Graph writes them in batch items. The Graph JS client's BatchResponseContent only
// re-serialises a JSON body when the item's header is spelled exactly `Content-Type`.
const HEADER_CASE: Record<string, string> = {
  'content-type': 'Content-Type', 'odata-version': 'OData-Version', location: 'Location', 'cache-control': 'Cache-Control',
  'retry-after': 'Retry-After', allow: 'Allow', 'www-authenticate': 'WWW-Authenticate', etag: 'ETag',
};
// Request headers the caller may not set on an inner request: the batch's own auth and framing win.
const DROPPED_REQUEST_HEADERS = new Set(['authorization', 'host', 'content-length', 'connection', 'transfer-encoding', 'x-xtm-batch-origin']);

export async function executeBatch(steps: BatchStep[], ctx: BatchContext): Promise<BatchResponseItem[]> {
  const results = new Map<string, BatchResponseItem>();
  let pending = steps;
  while (pending.length > 0) {
    const ready = pending.filter((s) => s.deps.every((d) => results.has(d)));
    pending = pending.filter((s) => !ready.includes(s));
    await Promise.all(ready.map(async (s) => {
      const failed = s.deps.find((d) => results.get(d)!.status >= 400);
      results.set(s.key, failed ? failedDependency(s, results.get(failed)!.id, ctx) : await runOne(s, ctx));
    }));
  }
  return steps.map((s) => results.get(s.key)!);
}

async function runOne(step: BatchStep, ctx: BatchContext): Promise<BatchResponseItem> {
  const { item } = step;
  const url = innerUrl(item.url, ctx.version);
  if (!url) return localError(item.id, 400, 'BadRequest', `Request '${item.id}': the url '${item.url}' is not a relative Microsoft Graph URL.`, ctx);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.headers ?? {})) if (!DROPPED_REQUEST_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
  if (ctx.authorization) headers.authorization = ctx.authorization;
  headers['client-request-id'] ??= ctx.clientRequestId;
  headers['x-xtm-batch-origin'] = batchOriginHeader(ctx.origin);
  const payload = requestPayload(step);
  const res = await ctx.app.inject({ method: item.method.toUpperCase() as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined || DROPPED_RESPONSE_HEADERS.has(k)) continue;
    outHeaders[HEADER_CASE[k] ?? k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  const out: BatchResponseItem = { id: item.id, status: res.statusCode, headers: outHeaders };
  if (res.rawPayload.length > 0) out.body = responseBody(res.rawPayload, outHeaders['Content-Type'] ?? '');
  return out;
}

/**
 * The item's url relative to the version root ('/users', 'users?$top=1'); a url that already names a
 * version ('/beta/users', as the Graph JS client's BatchRequestContent sends) keeps it. Anything that
 * would leave /beta or /v1.0 after dot-segment normalisation (e.g. '/../xtm/admin') is refused.
 */
export function innerUrl(raw: string, version: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) return undefined;
  const rel = raw.startsWith('/') ? raw : `/${raw}`;
  const versioned = /^\/(beta|v1\.0)(\/|$|\?)/i.test(rel) ? rel : `/${version}${rel}`;
  let parsed: URL;
  try {
    parsed = new URL(versioned, 'http://batch.invalid');
  } catch {
    return undefined;
  }
  if (!/^\/(beta|v1\.0)\//i.test(parsed.pathname)) return undefined;
  if (/^\/(beta|v1\.0)\/\$batch\/?$/i.test(parsed.pathname)) return undefined; // no nested batches
  return parsed.pathname + parsed.search;
}

function requestPayload(step: BatchStep): string | Buffer | undefined {
  const body = step.item.body;
  if (body === undefined) return undefined;
  const ct = headerOf(step.item, 'content-type') ?? '';
  if (/json/i.test(ct)) return JSON.stringify(body);
  // Non-JSON bodies travel base64-encoded (json-batching.md).
  return typeof body === 'string' ? Buffer.from(body, 'base64') : JSON.stringify(body);
}

function responseBody(raw: Buffer, contentType: string): unknown {
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8');
    }
  }
  if (/^text\//i.test(contentType)) return raw.toString('utf8');
  return raw.toString('base64');
}

function failedDependency(step: BatchStep, dependencyId: string, ctx: BatchContext): BatchResponseItem {
  return localError(step.item.id, 424, 'FailedDependency', `The request depends on request '${dependencyId}', which failed.`, ctx);
}

function localError(id: string, status: number, code: string, message: string, ctx: BatchContext): BatchResponseItem {
  return {
    id,
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: { error: { code, message, innerError: { date: graphErrorDate(new Date()), 'request-id': ctx.clientRequestId, 'client-request-id': ctx.clientRequestId } } },
  };
}
