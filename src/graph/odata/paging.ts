/**
 * Server-driven paging and $select projection helpers.
 *
 * `$skiptoken` is opaque to clients: base64url of a small JSON object.
 *
 * - Version 2 (issued today) is a keyset ("seek") continuation token:
 *   `{"v":2,"h":<shape>,"n":<page size>,"k":[<last row's sort values>],"o":<offset>}`.
 *   `k` holds, for every ORDER BY term of the query (which always ends with the
 *   primary-key tiebreaker), the value of the last row returned; the next page
 *   is the rows strictly "after" that row in the sort order (see
 *   keysetToKysely in kysely.ts), so rows inserted or deleted before the
 *   position between two requests cause neither a duplicate nor a skip.
 *   `o` (optional, default 0) is an offset applied after the keyset anchor; it
 *   is only used as a fallback when the last row's sort values cannot be put in
 *   a token (a value that is not a string/number/null of the column's kind,
 *   a sort column the row does not carry, or a token that would exceed
 *   MAX_SKIPTOKEN_LENGTH): the token then keeps the previous anchor (if any) and
 *   advances the offset, which is exactly as stable as classic offset paging.
 *   `h` binds the token to the query it was issued for: a short hash of the
 *   normalized $filter and $orderby (resolved columns, directions and DB
 *   values, see queryShape). Using it with another query is 'Invalid $skiptoken.'
 *   (Graph's tokens are likewise only valid with the same query). `n` is the
 *   page size when the token was issued; it applies when the request has no $top.
 * - Version 1 (`{"v":1,"o":<offset>}`, absolute offset) is still accepted so
 *   links handed out earlier keep working; it is never issued any more.
 *
 * Only the canonical encoding of either version is accepted, so a token means
 * exactly one thing.
 */
import { ODataQueryError } from './errors.js';
import type { KeysetValue } from '../../store/listQuery.js';
import type { FieldMap } from './fields.js';
import type { CollectionQuery, OrderByItem } from './query.js';

/** A sort value carried in a keyset token. */
export type { KeysetValue };

interface SkipTokenV1 { v: 1; o: number }

/** A decoded `$skiptoken`. */
export type SkipToken =
  | { v: 1; offset: number }
  | {
    v: 2;
    /** queryShape() of the query the token was issued for. */
    shape: string;
    /** Page size when issued. */
    size: number;
    /** Sort values of the last row returned, aligned with the query's orderBy; absent = from the start. */
    after?: KeysetValue[];
    /** Rows to skip after the anchor (fallback only; usually 0). */
    offset: number;
  };

/** Longest accepted (and issued) token; longer keyset tokens fall back to an offset. */
export const MAX_SKIPTOKEN_LENGTH = 4096;
/** Refuse to issue or accept a v2 token whose page size is outside 1..999999. */
const MAX_PAGE_SIZE_IN_TOKEN = 999_999;

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

/** JSON with every non-ASCII code unit written as \uXXXX, so the payload is ASCII (and deterministic). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** 53-bit non-cryptographic string hash (cyrb53), base 36. Binds a token to a query; not a secret. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

const SHAPE_RE = /^[0-9a-z]{1,12}$/;

/**
 * The query a keyset token belongs to: a short hash of the normalized $filter
 * (pass the ResolvedFilter: columns, operators and DB values, so spelling,
 * whitespace and property-name case do not matter) and the full ORDER BY
 * (including the key tiebreaker).
 */
export function queryShape(filter: unknown, orderBy: readonly OrderByItem[]): string {
  const text = JSON.stringify(
    [filter ?? null, orderBy.map((o) => [o.column, o.direction, o.caseInsensitive === true])],
    (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v),
  );
  return hash53(text);
}

function isKeysetValue(v: unknown): v is KeysetValue {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export function encodeSkipToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid paging offset ${offset}`);
  const payload: SkipTokenV1 = { v: 1, o: offset };
  return toBase64Url(JSON.stringify(payload));
}

/** Encodes a version-2 (keyset) token. Throws RangeError on a programming error (never a client error). */
export function encodeKeysetToken(t: { shape: string; size: number; after?: readonly KeysetValue[]; offset?: number }): string {
  const offset = t.offset ?? 0;
  if (!SHAPE_RE.test(t.shape)) throw new RangeError(`invalid query shape '${t.shape}'`);
  if (!Number.isSafeInteger(t.size) || t.size < 1 || t.size > MAX_PAGE_SIZE_IN_TOKEN) throw new RangeError(`invalid page size ${t.size}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid paging offset ${offset}`);
  if (t.after !== undefined && (t.after.length === 0 || !t.after.every(isKeysetValue))) throw new RangeError('invalid keyset values');
  // Fixed key order: the encoding is canonical.
  const payload: Record<string, unknown> = { v: 2, h: t.shape, n: t.size };
  if (t.after !== undefined) payload.k = t.after;
  if (offset > 0) payload.o = offset;
  return toBase64Url(asciiJson(payload));
}

function encodeAny(t: SkipToken): string {
  return t.v === 1 ? encodeSkipToken(t.offset) : encodeKeysetToken(t);
}

const invalidToken = (): ODataQueryError => new ODataQueryError('Invalid $skiptoken.', '$skiptoken');

/** Decodes either token version; throws ODataQueryError('Invalid $skiptoken.') for anything else. */
export function parseSkipToken(token: string): SkipToken {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_SKIPTOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalidToken();
  }
  const json = fromBase64Url(token);
  if (json === null) throw invalidToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidToken();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidToken();
  const p = parsed as Record<string, unknown>;
  let out: SkipToken;
  if (p.v === 1) {
    const { o } = p;
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw invalidToken();
    out = { v: 1, offset: o };
  } else if (p.v === 2) {
    const { h, n, k, o } = p;
    if (typeof h !== 'string' || !SHAPE_RE.test(h)) throw invalidToken();
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE_SIZE_IN_TOKEN) throw invalidToken();
    if (o !== undefined && (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 1)) throw invalidToken();
    if (k !== undefined && (!Array.isArray(k) || k.length === 0 || !k.every(isKeysetValue))) throw invalidToken();
    out = { v: 2, shape: h, size: n, offset: o ?? 0, ...(k !== undefined ? { after: k as KeysetValue[] } : {}) };
  } else {
    throw invalidToken();
  }
  // Only the canonical encoding is accepted, so a token means exactly one thing.
  if (encodeAny(out) !== token) throw invalidToken();
  return out;
}

/**
 * Legacy helper: the absolute offset of a version-1 token. Throws
 * ODataQueryError('Invalid $skiptoken.') for anything else (including v2).
 */
export function decodeSkipToken(token: string): number {
  const t = parseSkipToken(token);
  if (t.v !== 1) throw invalidToken();
  return t.offset;
}

// --- keyset values -------------------------------------------------------------------------------

type ValueKind = 'string' | 'int' | 'number' | 'any';

/** What a sort column's values look like in the store, from the FieldSpec that maps to it (if any). */
function valueKind(fields: FieldMap | undefined, column: string): ValueKind {
  if (!fields) return 'any';
  for (const spec of Object.values(fields)) {
    if (spec.column !== column) continue;
    if (spec.toDb) return 'any';
    if (spec.type === 'int') return 'int';
    if (spec.type === 'bool') return 'number';
    return 'string';
  }
  return 'any'; // e.g. a key column that is not a Graph property (tasks' position)
}

function fitsKind(kind: ValueKind, v: KeysetValue): boolean {
  if (v === null || kind === 'any') return true;
  if (kind === 'string') return typeof v === 'string';
  if (kind === 'number') return typeof v === 'number';
  // 'int': PostgreSQL returns bigint columns as decimal strings.
  return typeof v === 'number' || /^-?\d{1,19}$/.test(v);
}

/**
 * True when `values` can anchor a keyset page for `orderBy`: one per term, each
 * null or of the column's kind. Guards the store against forged tokens (a
 * string compared with an integer column would be an error on PostgreSQL).
 */
export function keysetValuesFit(orderBy: readonly OrderByItem[], values: readonly KeysetValue[], fields?: FieldMap): boolean {
  return values.length === orderBy.length && orderBy.every((o, i) => fitsKind(valueKind(fields, o.column), values[i]!));
}

/**
 * Default reader of a row's sort value: `row[column]`; for a qualified column
 * ('u.display_name') whose full name is not a key of the row, the bare column
 * name. `undefined` means "not available".
 */
export function readSortValue(row: unknown, column: string): unknown {
  if (row === null || typeof row !== 'object') return undefined;
  const r = row as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(r, column)) return r[column];
  const dot = column.lastIndexOf('.');
  if (dot >= 0) {
    const bare = column.slice(dot + 1);
    if (Object.prototype.hasOwnProperty.call(r, bare)) return r[bare];
  }
  return undefined;
}

function toKeysetValue(v: unknown): KeysetValue | undefined {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  return undefined; // undefined (column not in the row), booleans, buffers, objects
}

/**
 * The sort values of `row` for every ORDER BY term (raw values: case-insensitive
 * terms are lower-cased by the database when compared), or undefined when one
 * cannot be carried in a token.
 */
export function sortValuesOf<T>(
  row: T,
  orderBy: readonly OrderByItem[],
  fields?: FieldMap,
  read: (row: T, column: string) => unknown = readSortValue,
): KeysetValue[] | undefined {
  const out: KeysetValue[] = [];
  for (const term of orderBy) {
    const v = toKeysetValue(read(row, term.column));
    if (v === undefined || !fitsKind(valueKind(fields, term.column), v)) return undefined;
    out.push(v);
  }
  return out;
}

/** Issued keyset tokens stay this much under the limit, so an offset fallback from them always fits. */
const FALLBACK_ROOM = 48;

/**
 * The `$skiptoken` of the page after the one that ended with `last`. Keyset
 * (the last row's sort values) when they can be carried; otherwise the current
 * anchor with the offset advanced by one page (documented fallback).
 */
export function nextSkipToken<T>(
  query: Pick<CollectionQuery, 'top' | 'skip' | 'orderBy' | 'after' | 'shape'>,
  last: T,
  fields?: FieldMap,
  read?: (row: T, column: string) => unknown,
): string {
  const values = sortValuesOf(last, query.orderBy, fields, read);
  if (values) {
    const token = encodeKeysetToken({ shape: query.shape, size: query.top, after: values });
    if (token.length <= MAX_SKIPTOKEN_LENGTH - FALLBACK_ROOM) return token;
  }
  return encodeKeysetToken({
    shape: query.shape, size: query.top, offset: query.skip + query.top,
    ...(query.after ? { after: query.after } : {}),
  });
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
 * `@odata.nextLink` for the next page. Keeps every original query parameter
 * byte-for-byte (so the client's encoding of $filter etc. is preserved) except
 * $skip/$skiptoken, then appends `$skiptoken=<next>`: a token from
 * nextSkipToken, or (legacy) a number = absolute offset, encoded as a v1 token.
 * `requestUrl` must carry the request's own origin (protocol + host).
 */
export function buildNextLink(requestUrl: URL, next: string | number): string {
  const token = typeof next === 'number' ? encodeSkipToken(next) : next;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new RangeError('a $skiptoken must be base64url');
  const kept = requestUrl.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .filter((pair) => {
      const name = optionName(pair);
      return name !== '$skip' && name !== '$skiptoken';
    });
  kept.push(`$skiptoken=${token}`);
  return `${requestUrl.origin}${requestUrl.pathname}?${kept.join('&')}`;
}

/**
 * Given rows fetched with limit `top + 1` (see applyCollectionQuery), returns
 * the page and, if there is a next page, `nextOffset` = skip + top (the offset
 * of the next page relative to the same anchor).
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

/** One entity's context fragment under $select: OData puts the list before `/$entity` (`jobs(displayName)/$entity`). */
export function entityContextForSelect(fragment: string, select?: readonly string[]): string {
  if (!select || select.length === 0) return fragment;
  const entity = fragment.endsWith('/$entity');
  return (entity ? fragment.slice(0, -'/$entity'.length) : fragment) + contextSuffixForSelect(select) + (entity ? '/$entity' : '');
}
