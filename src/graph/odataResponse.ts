// Wire helpers shared by every Graph resource module: origin-relative @odata.context, the OData
// JSON content type, and OData key-segment parsing (id, alternate key, or bare display name).
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Origin the request came in on (http or https, host:port), so links work on either listener. */
export function requestOrigin(req: FastifyRequest): string {
  const batch = req.headers['x-xtm-batch-origin'];
  if (typeof batch === 'string' && batch.startsWith(BATCH_SECRET)) return batch.slice(BATCH_SECRET.length);
  return `${req.protocol}://${req.host}`;
}

// $batch dispatches inner requests in-process; they carry the outer request's origin under a
// per-process secret so a client cannot choose the origin xtm writes into links.
const BATCH_SECRET = `${randomUUID()} `;
export const batchOriginHeader = (origin: string): string => BATCH_SECRET + origin;

/** 'beta' or 'v1.0', from the URL the client used. */
export function graphVersion(req: FastifyRequest): string {
  return /^\/v1\.0\//i.test(req.url) ? 'v1.0' : 'beta';
}

export function metadataContext(req: FastifyRequest, fragment: string): string {
  return `${requestOrigin(req)}/${graphVersion(req)}/$metadata#${fragment}`;
}

/** An entity the database rendered as JSON, with its `@odata.context` first (a string is sent as is). */
export function withContext(context: string, doc: string): string {
  return `{"@odata.context":${JSON.stringify(context)},${doc.slice(1)}`;
}

export function sendOData(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', ODATA_JSON).header('odata-version', '4.0').send(body);
}

export type KeySegment =
  | { kind: 'id'; value: string } // ('…') or a bare value that must be an id
  | { kind: 'idOrAlt'; value: string } // bare value: id first, then the default alternate key
  | { kind: 'alt'; property: string; value: string }; // (prop='…')

/**
 * Parses what rewriteKeySegments() left in a key path parameter. `displayName='a''b'` is an alternate
 * key, `'abc'` an explicit id, anything else a bare key the resource resolves as id then alternate key.
 */
export function parseKeySegment(raw: string): KeySegment {
  const alt = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'((?:[^']|'')*)'$/.exec(raw);
  if (alt) return { kind: 'alt', property: alt[1]!, value: alt[2]!.replace(/''/g, "'") };
  const quoted = /^'((?:[^']|'')*)'$/.exec(raw);
  if (quoted) return { kind: 'id', value: quoted[1]!.replace(/''/g, "'") };
  return { kind: 'idOrAlt', value: raw };
}

/** Collections whose entity key may be written OData-style, `Collection('id')` or `Collection(prop='v')`. */
const KEYED_COLLECTIONS = new Set(
  ['crossTenantMigrationJobs', 'users', 'crossOrganizationMigrationTasks', 'crossOrganizationUserMappings', 'crossOrganizationGroupMappings', 'groups', 'sites', 'chats', 'messages', 'mailFolders', 'items', 'drives'].map((s) => s.toLowerCase()),
);

/**
 * Rewrites `…/crossTenantMigrationJobs(displayName='x')/validate` to
 * `…/crossTenantMigrationJobs/displayName%3D'x'/validate` so one route serves both key forms.
 * Runs before routing (Fastify rewriteUrl); never throws.
 */
export function rewriteKeySegments(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  if (!path.includes('(') && !path.includes('%28')) return url;
  // A bound function's string argument may hold '/' (getBySourceSiteUrl(sourceSiteUrl='https://…/sites/IT')):
  // keep the call one segment.
  const call = /\/((?:microsoft\.graph\.)?getBySource\w+)\((.*)\)$/i.exec(path);
  if (call) path = `${path.slice(0, call.index)}/${call[1]}(${call[2]!.replace(/\//g, '%2F')})`;
  const segments = path.split('/');
  const out: string[] = [];
  for (const seg of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      out.push(seg);
      continue;
    }
    const m = /^([A-Za-z.]+)\((.*)\)$/s.exec(decoded);
    if (m && KEYED_COLLECTIONS.has(m[1]!.toLowerCase()) && m[2]!.length > 0) {
      out.push(encodeURIComponent(m[1]!), encodeURIComponent(m[2]!));
    } else {
      out.push(seg);
    }
  }
  return out.join('/') + (q === -1 ? '' : url.slice(q));
}
