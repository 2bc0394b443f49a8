/**
 * Server-driven paging and $select projection helpers.
 * `$skiptoken` is opaque to clients: base64url of `{"v":1,"o":<offset>}`. The
 * version field lets the encoding change (e.g. to keyset) without breaking
 * links handed out earlier.
 */
import { ODataQueryError } from './errors.js';

interface SkipTokenV1 { v: 1; o: number }

// Hand-rolled (ASCII payload only) so this module needs no Node typings/Buffer.
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(ascii: string): string {
  let out = '';
  for (let i = 0; i < ascii.length; i += 3) {
    const n = (ascii.charCodeAt(i) << 16) | ((ascii.charCodeAt(i + 1) || 0) << 8) | (ascii.charCodeAt(i + 2) || 0);
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!;
    if (i + 1 < ascii.length) out += B64URL[(n >> 6) & 63]!;
    if (i + 2 < ascii.length) out += B64URL[n & 63]!;
  }
  return out;
}

function fromBase64Url(text: string): string | null {
  let acc = 0;
  let bits = 0;
  let out = '';
  for (const ch of text) {
    const v = B64URL.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

export function encodeSkipToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid paging offset ${offset}`);
  const payload: SkipTokenV1 = { v: 1, o: offset };
  return toBase64Url(JSON.stringify(payload));
}

/** Returns the absolute offset; throws ODataQueryError('Invalid $skiptoken.'). */
export function decodeSkipToken(token: string): number {
  const invalid = (): ODataQueryError => new ODataQueryError('Invalid $skiptoken.', '$skiptoken');
  if (typeof token !== 'string' || token.length === 0 || token.length > 256 || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid();
  }
  const json = fromBase64Url(token);
  if (json === null) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const { v, o } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw invalid();
  // Only the canonical encoding is accepted, so a token means exactly one thing.
  if (encodeSkipToken(o) !== token) throw invalid();
  return o;
}

function optionName(rawPair: string): string {
  const rawName = rawPair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return rawName.toLowerCase();
  }
}

/**
 * `@odata.nextLink` for the page starting at `nextOffset`. Keeps every original
 * query parameter byte-for-byte (so the client's encoding of $filter etc. is
 * preserved) except $skip/$skiptoken, then appends the new $skiptoken.
 * `requestUrl` must carry the request's own origin (protocol + host).
 */
export function buildNextLink(requestUrl: URL, nextOffset: number): string {
  const kept = requestUrl.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .filter((pair) => {
      const name = optionName(pair);
      return name !== '$skip' && name !== '$skiptoken';
    });
  kept.push(`$skiptoken=${encodeSkipToken(nextOffset)}`);
  return `${requestUrl.origin}${requestUrl.pathname}?${kept.join('&')}`;
}

/**
 * Given rows fetched with limit `top + 1` (see applyCollectionQuery), returns
 * the page and the offset of the next page, if any.
 */
export function takePage<T>(rows: readonly T[], query: { top: number; skip: number }): { items: T[]; nextOffset?: number } {
  if (rows.length > query.top) return { items: rows.slice(0, query.top), nextOffset: query.skip + query.top };
  return { items: rows.slice() };
}

/**
 * Projects an entity onto `select` plus the `always` properties, keeping the
 * entity's own key order and any `@odata.*`-style annotations.
 */
export function applySelect(
  entity: Record<string, unknown>,
  select?: readonly string[],
  always: readonly string[] = ['id'],
): Record<string, unknown> {
  if (!select) return entity;
  const wanted = new Set([...always, ...select]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entity)) {
    if (wanted.has(key) || key.startsWith('@')) out[key] = value;
  }
  return out;
}

/** Suffix for `@odata.context`, e.g. `$metadata#solutions/migrations/jobs(id,status)`. */
export function contextSuffixForSelect(select?: readonly string[]): string {
  return select && select.length > 0 ? `(${select.join(',')})` : '';
}
