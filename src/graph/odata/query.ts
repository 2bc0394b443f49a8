/**
 * Parses the query string of Graph collection / entity requests into a checked
 * CollectionQuery. Only `$`-prefixed names are query options (names are
 * case-insensitive); other parameters are left to the route. Every client
 * mistake is an ODataQueryError whose message is the Graph error message.
 */
import { ODataQueryError } from './errors.js';
import { lookupField, resolveFilter, sortableNames, type FieldMap, type ResolvedFilter } from './fields.js';
import type { ListQuery } from '../../store/listQuery.js';
import { parseFilter, type FilterNode } from './filter.js';
import { keysetValuesFit, parseSkipToken, queryShape, type KeysetValue, type SkipToken } from './paging.js';

export type SortDirection = 'asc' | 'desc';

export interface OrderByItem {
  /** Graph name, canonical case. */
  field: string;
  column: string;
  direction: SortDirection;
  /** Sort by lower(column); copied from the FieldSpec. */
  caseInsensitive?: boolean;
}

export interface CollectionQuery {
  /** Page size. */
  top: number;
  /**
   * Rows to skip: $skip + the $skiptoken's offset. Absolute when there is no
   * `after` anchor (first page, legacy v1 token); otherwise counted from the
   * anchor (a v2 token's offset fallback, normally 0).
   */
  skip: number;
  /**
   * Keyset anchor from a v2 $skiptoken: the sort values (one per orderBy term)
   * of the last row of the previous page; this page starts strictly after it.
   */
  after?: KeysetValue[];
  /** queryShape() of $filter + $orderby: binds the $skiptoken this query hands out. */
  shape: string;
  /** Already validated against the field map. */
  filter?: FilterNode;
  /** `filter` checked against the field map: columns and database values, for the store. */
  resolvedFilter?: ResolvedFilter;
  /** Ends with the primary key as tiebreaker. */
  orderBy: OrderByItem[];
  /** Canonical Graph names; undefined = all properties. */
  select?: string[];
  count: boolean;
}

export interface CollectionOptions {
  /** e.g. 'microsoft.graph.crossTenantMigrationJob' ('microsoft.graph.' is added if unqualified). */
  typeName: string;
  fields: FieldMap;
  /** Graph property names accepted by $select. */
  selectable: readonly string[];
  /** Default 20. */
  defaultPageSize?: number;
  /** Default 999. */
  maxPageSize?: number;
  defaultOrderBy: readonly { field: string; direction: SortDirection }[];
  /** Primary-key column, appended as the final ordering tiebreaker. */
  keyColumn: string;
  /** Accepted for forward compatibility; $expand and $search are never supported today. */
  allowed?: { expand?: false; search?: false };
}

export interface EntityOptions {
  typeName: string;
  selectable: readonly string[];
}

export type RawQuery = Record<string, string | string[] | undefined>;

const COLLECTION_OPTIONS = new Set(['$top', '$skip', '$skiptoken', '$count', '$orderby', '$select', '$filter']);
const ENTITY_OPTIONS = new Set(['$select']);

function qualified(typeName: string): string {
  return typeName.includes('.') ? typeName : `microsoft.graph.${typeName}`;
}

const SYSTEM_OPTIONS = new Set(['select', 'filter', 'orderby', 'top', 'skip', 'count', 'skiptoken', 'expand', 'search', 'format']);

/**
 * Beta: "On the beta endpoint, the $ prefix is optional" (learn.microsoft.com/graph/query-parameters), so
 * `top=5` is `$top=5`. Both spellings of one option are that option given twice (a 400, as for `$top` twice).
 */
export function withDollarPrefixes(query: RawQuery): RawQuery {
  let out: Record<string, string | string[] | undefined> | undefined;
  for (const [k, v] of Object.entries(query)) {
    if (!SYSTEM_OPTIONS.has(k.toLowerCase()) || v === undefined) continue;
    out ??= { ...query };
    delete out[k];
    const key = `$${k}`;
    const prev = out[key];
    out[key] = prev === undefined ? v : [...[prev].flat(), ...[v].flat()];
  }
  return out ?? query;
}

/** Collects `$` options keyed by lower-cased name; rejects duplicates and unsupported ones. */
function collectOptions(query: RawQuery, supported: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries(query)) {
    if (!rawName.startsWith('$') || rawValue === undefined) continue;
    const name = rawName.toLowerCase();
    if (!supported.has(name)) {
      throw new ODataQueryError(`Query option '${name}' is not supported on this resource.`, name);
    }
    const values = Array.isArray(rawValue) ? rawValue : [rawValue];
    if (values.length > 1 || out.has(name)) {
      throw new ODataQueryError(`Query option '${name}' was specified more than once.`, name);
    }
    if (values.length === 1) out.set(name, values[0]!);
  }
  return out;
}

function parseTop(raw: string, max: number): number {
  const n = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new ODataQueryError(`Invalid $top value '${raw}': must be an integer between 1 and ${max}.`, '$top');
  }
  return n;
}

function parseSkip(raw: string): number {
  const n = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new ODataQueryError(`Invalid $skip value '${raw}': must be a non-negative integer.`, '$skip');
  }
  return n;
}

function parseCount(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') {
    throw new ODataQueryError(`Invalid $count value '${raw}': must be true or false.`, '$count');
  }
  return v === 'true';
}

function parseSelect(raw: string, selectable: readonly string[], typeName: string): string[] | undefined {
  const byLower = new Map(selectable.map((s) => [s.toLowerCase(), s]));
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (name === '') throw new ODataQueryError('Invalid $select: empty property name in the list.', '$select');
    if (name === '*') return undefined;
    const canonical = byLower.get(name.toLowerCase());
    if (canonical === undefined) {
      throw new ODataQueryError(
        `Could not find a property named '${name}' on type '${qualified(typeName)}'.`, '$select');
    }
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

function orderByError(detail: string): ODataQueryError {
  return new ODataQueryError(`Invalid $orderby: ${detail}`, '$orderby');
}

function parseOrderBy(raw: string, fields: FieldMap): OrderByItem[] {
  const out: OrderByItem[] = [];
  for (const part of raw.split(',')) {
    const item = part.trim();
    if (item === '') throw orderByError('empty sort item in the list.');
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?$/i.exec(item);
    if (!m) throw orderByError(`'${item}' is not a valid sort item; expected 'property [asc|desc]'.`);
    const found = lookupField(fields, m[1]!);
    if (!found || found.spec.sortable === false) {
      throw orderByError(`property '${m[1]}' is not sortable on this resource. ` +
        `Sortable: ${sortableNames(fields).join(', ') || '(none)'}.`);
    }
    if (out.some((o) => o.field === found.name)) {
      throw orderByError(`property '${found.name}' appears more than once.`);
    }
    out.push({
      field: found.name,
      column: found.spec.column,
      direction: (m[2]?.toLowerCase() ?? 'asc') as SortDirection,
      ...(found.spec.caseInsensitive ? { caseInsensitive: true } : {}),
    });
  }
  return out;
}

function defaultOrder(opts: CollectionOptions): OrderByItem[] {
  return opts.defaultOrderBy.map(({ field, direction }) => {
    const found = lookupField(opts.fields, field);
    // A misconfigured resource is a programming error, not a client error.
    if (!found) throw new Error(`defaultOrderBy field '${field}' is missing from the field map`);
    return {
      field: found.name, column: found.spec.column, direction,
      ...(found.spec.caseInsensitive ? { caseInsensitive: true } : {}),
    };
  });
}

/** Parses and validates the query options of a collection GET. */
export function parseCollectionQuery(query: RawQuery, opts: CollectionOptions): CollectionQuery {
  const options = collectOptions(query, COLLECTION_OPTIONS);
  const maxPageSize = opts.maxPageSize ?? 999;
  const get = (name: string): string | undefined => options.get(name);

  const topRaw = get('$top');
  const topOption = topRaw === undefined ? undefined : parseTop(topRaw, maxPageSize);

  const skipRaw = get('$skip');
  const tokenRaw = get('$skiptoken');
  const token: SkipToken | undefined = tokenRaw === undefined ? undefined : parseSkipToken(tokenRaw);
  const skip = (skipRaw === undefined ? 0 : parseSkip(skipRaw)) + (token?.offset ?? 0);
  if (!Number.isSafeInteger(skip)) throw new ODataQueryError('Invalid $skip value: offset is too large.', '$skip');
  // A v2 token remembers the page size it was issued with; an explicit $top wins.
  const top = topOption ?? (token?.v === 2 ? Math.min(token.size, maxPageSize) : Math.min(opts.defaultPageSize ?? 20, maxPageSize));

  const countRaw = get('$count');
  const filterRaw = get('$filter');
  let filter: FilterNode | undefined;
  let resolved: ResolvedFilter | undefined;
  if (filterRaw !== undefined) {
    filter = parseFilter(filterRaw);
    resolved = resolveFilter(filter, opts.fields); // type-check now so errors surface before any SQL
  }

  const orderRaw = get('$orderby');
  const orderBy = orderRaw === undefined ? defaultOrder(opts) : parseOrderBy(orderRaw, opts.fields);
  if (!orderBy.some((o) => o.column === opts.keyColumn)) {
    const keyName = Object.keys(opts.fields).find((k) => opts.fields[k]!.column === opts.keyColumn) ?? 'id';
    // Same direction as the last term, so one (…, key) index serves the whole ORDER BY.
    orderBy.push({ field: keyName, column: opts.keyColumn, direction: orderBy[orderBy.length - 1]?.direction ?? 'asc' });
  }

  const shape = queryShape(resolved, orderBy);
  let after: KeysetValue[] | undefined;
  if (token?.v === 2) {
    // Graph's tokens are only valid with the query they were issued for.
    if (token.shape !== shape) throw new ODataQueryError('Invalid $skiptoken.', '$skiptoken');
    if (token.after !== undefined) {
      if (!keysetValuesFit(orderBy, token.after, opts.fields)) throw new ODataQueryError('Invalid $skiptoken.', '$skiptoken');
      after = token.after;
    }
  }

  const selectRaw = get('$select');
  const select = selectRaw === undefined ? undefined : parseSelect(selectRaw, opts.selectable, opts.typeName);

  return {
    top,
    skip,
    ...(after ? { after } : {}),
    ...(filter ? { filter } : {}),
    ...(resolved ? { resolvedFilter: resolved } : {}),
    orderBy,
    shape,
    ...(select ? { select } : {}),
    count: countRaw === undefined ? false : parseCount(countRaw),
  };
}

/** Single-entity GETs accept only $select. */
export function parseEntityQuery(query: RawQuery, opts: EntityOptions): { select?: string[] } {
  const options = collectOptions(query, ENTITY_OPTIONS);
  const raw = options.get('$select');
  const select = raw === undefined ? undefined : parseSelect(raw, opts.selectable, opts.typeName);
  return select ? { select } : {};
}

/** The store's view of a parsed collection query: checked filter, sort terms, keyset anchor, page. */
export function listQueryOf(q: Pick<CollectionQuery, 'resolvedFilter' | 'orderBy' | 'after' | 'top' | 'skip'>): ListQuery {
  return { ...(q.resolvedFilter ? { filter: q.resolvedFilter } : {}), orderBy: q.orderBy, ...(q.after ? { after: q.after } : {}), top: q.top, skip: q.skip };
}
