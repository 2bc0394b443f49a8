/**
 * Applies a checked, dialect-neutral list query (filter tree over columns, sort terms, keyset
 * anchor, page size) to a Kysely select. The graph layer turns OData options into a ListQuery using
 * its field maps; the SQL is built only here. Every user value is a bound parameter; column names
 * come only from developer-written field maps and are emitted with sql.ref (quoted identifiers).
 * Works on SQLite and PostgreSQL.
 *
 * Null semantics follow OData rather than SQL three-valued logic: a comparison
 * against a NULL column is false (never unknown), `ne 'x'` matches NULL, so
 * `not (...)` negates exactly.
 */
import { CompiledQuery, sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { readRows } from './sqliteReads.js';

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A filter over columns with database values, already checked against a resource's fields. */
export type ListFilter =
  | { type: 'and' | 'or'; left: ListFilter; right: ListFilter }
  | { type: 'not'; operand: ListFilter }
  /** value === null means `is null` (eq) / `is not null` (ne). */
  | { type: 'compare'; op: CompareOp; column: string; lower: boolean; value: unknown }
  | { type: 'in'; column: string; lower: boolean; values: unknown[] }
  | { type: 'like'; fn: 'startswith' | 'endswith' | 'contains'; column: string; lower: boolean; value: string };

/** One sort term; `caseInsensitive` sorts by lower(column). */
export interface ListOrder { column: string; direction: 'asc' | 'desc'; caseInsensitive?: boolean }

/** A sort value carried in a keyset continuation. */
export type KeysetValue = string | number | null;

export interface ListQuery {
  filter?: ListFilter;
  /** Ends with the primary key as tiebreaker. */
  orderBy: readonly ListOrder[];
  /** Sort values of the last row of the previous page; this page starts strictly after it. */
  after?: readonly KeysetValue[];
  top: number;
  skip: number;
}

/** What a repository hands the graph layer for one collection: a page of rows and a count. */
export interface ListSource<Row> {
  /** Up to `top + 1` rows, so the caller can tell whether a next page exists. */
  page(query: ListQuery): Promise<Row[]>;
  count(filter?: ListFilter): Promise<number>;
}

type AnySelect<Row = any> = SelectQueryBuilder<any, any, Row>;

/**
 * A ListSource over a base select (rows; it may look at the query, e.g. to select the sort columns)
 * and a base select for counting (same FROM/WHERE). Given
 * the store's `db`, pages are read through readRows (directly on SQLite outside a transaction).
 */
export function listSource<Row>(base: (query: ListQuery) => AnySelect<Row>, countBase: () => AnySelect, db?: object): ListSource<Row> {
  return {
    page: (query) => (db ? readRows<Row>(db, applyListQuery(base(query), query).compile()) : (applyListQuery(base(query), query).execute() as Promise<Row[]>)),
    count: async (filter) => {
      const r = await applyListFilter(countBase(), filter).select((eb: ExpressionBuilder<any, any>) => eb.fn.countAll().as('n')).executeTakeFirst();
      return Number((r as { n?: number | string } | undefined)?.n ?? 0);
    },
  };
}

const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** Escapes LIKE metacharacters for use with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function operand(column: string, lower: boolean): Expression<unknown> {
  return lower ? sql`lower(${sql.ref(column)})` : sql.ref(column);
}

function build(eb: ExpressionBuilder<any, any>, f: ListFilter): Expression<SqlBool> {
  switch (f.type) {
    case 'and':
      return eb.and([build(eb, f.left), build(eb, f.right)]);
    case 'or':
      return eb.or([build(eb, f.left), build(eb, f.right)]);
    case 'not':
      return eb.not(build(eb, f.operand));
    case 'compare': {
      const col = sql.ref(f.column);
      if (f.value === null) return eb(col, f.op === 'eq' ? 'is' : 'is not', null);
      const cmp = eb(operand(f.column, f.lower), SQL_OPS[f.op], f.value);
      return f.op === 'ne'
        ? eb.or([eb(col, 'is', null), cmp])
        : eb.and([eb(col, 'is not', null), cmp]);
    }
    case 'in':
      return eb.and([eb(sql.ref(f.column), 'is not', null), eb(operand(f.column, f.lower), 'in', f.values)]);
    case 'like': {
      const esc = escapeLike(f.value);
      const pattern = f.fn === 'startswith' ? `${esc}%` : f.fn === 'endswith' ? `%${esc}` : `%${esc}%`;
      // The pattern is a bound parameter; the escape character is a constant.
      const like = sql<SqlBool>`${operand(f.column, f.lower)} like ${pattern} escape '\\'`;
      return eb.and([eb(sql.ref(f.column), 'is not', null), like]);
    }
  }
}

/**
 * Applies ordering. OData puts nulls first when ascending and last when
 * descending; that is spelled out because PostgreSQL's default is the reverse.
 */
export function orderByToKysely<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  orderBy: readonly ListOrder[],
): SelectQueryBuilder<DB, TB, O> {
  let out = qb;
  for (const item of orderBy) {
    out = out.orderBy(operand(item.column, item.caseInsensitive === true), (ob) =>
      item.direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast());
  }
  return out;
}

/**
 * Keyset ("seek") condition: rows that sort strictly after the row whose sort
 * values are `after` (one per `orderBy` term, same order) under exactly the
 * ordering orderByToKysely produces:
 *
 *   (t1 after v1) OR (t1 = v1 AND t2 after v2) OR … OR (t1 = v1 AND … AND tn after vn)
 *
 * where "after" is `>` for asc and `<` for desc terms. Case-insensitive terms
 * compare lower(column) with lower(value) — both computed by the database, so
 * the comparison folds case exactly as the ORDER BY does (SQLite: the
 * Unicode-aware lower() the store registers; PostgreSQL: its own).
 *
 * NULLs are handled exactly, following OData's order (nulls first ascending,
 * last descending) rather than falling back to an offset:
 *   asc,  v non-null: after = col > v                 equal = col = v
 *   asc,  v null:     after = col is not null         equal = col is null
 *   desc, v non-null: after = col < v or col is null  equal = col = v
 *   desc, v null:     after = (nothing)               equal = col is null
 * The condition contains no NOT, so a comparison with a NULL column (unknown)
 * behaves as false. With the primary key as the last term the anchor row is
 * unique, so every row is either before, at, or after it.
 */
export function keysetToKysely(
  orderBy: readonly ListOrder[],
  after: readonly KeysetValue[],
): (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> {
  if (after.length !== orderBy.length) throw new Error(`keyset has ${after.length} values for ${orderBy.length} sort terms`);
  return (eb) => {
    const disjuncts: Expression<SqlBool>[] = [];
    const equalSoFar: Expression<SqlBool>[] = [];
    orderBy.forEach((item, i) => {
      const v = after[i]!;
      const col = sql.ref(item.column);
      const lower = item.caseInsensitive === true;
      const lhs = operand(item.column, lower);
      const rhs = lower ? sql`lower(${v})` : v;
      let beyond: Expression<SqlBool> | undefined;
      if (item.direction === 'asc') beyond = v === null ? eb(col, 'is not', null) : eb(lhs, '>', rhs);
      else if (v !== null) beyond = eb.or([eb(lhs, '<', rhs), eb(col, 'is', null)]);
      if (beyond) disjuncts.push(equalSoFar.length > 0 ? eb.and([...equalSoFar, beyond]) : beyond);
      equalSoFar.push(v === null ? eb(col, 'is', null) : eb(lhs, '=', rhs));
    });
    return disjuncts.length > 0 ? eb.or(disjuncts) : sql<SqlBool>`1 = 0`;
  };
}

/** The filter as a callback for `.where(...)`. */
export function filterToKysely(filter: ListFilter): (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> {
  return (eb) => build(eb, filter);
}

/**
 * where + keyset anchor + order by + limit/offset for a list query. Fetches `top + 1` rows so the
 * caller can tell whether a next page exists.
 */
export function applyListQuery<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, query: ListQuery): SelectQueryBuilder<DB, TB, O> {
  return withPaging(qb, query, query.top + 1, query.skip);
}

function withPaging<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, query: ListQuery, limit: unknown, offset: unknown): SelectQueryBuilder<DB, TB, O> {
  let out = qb;
  if (query.filter) out = out.where(filterToKysely(query.filter));
  if (query.after) out = out.where(keysetToKysely(query.orderBy, query.after));
  out = orderByToKysely(out, query.orderBy).limit(limit as number);
  return query.skip > 0 ? out.offset(offset as number) : out;
}

/**
 * A ListSource for a hot collection: a page without $filter is compiled once per query shape (sort
 * terms, which keyset values are null, offset or not) and then only re-bound. The base select takes
 * every value it binds from `bound` (the caller's scope, e.g. the tenant id), never from a closure:
 * the shape is compiled with a unique marker in place of each value, and the cached SQL is used only
 * if every parameter it binds is one of those markers, so no value can be baked into a shared
 * statement. Pages with a $filter take the ordinary path.
 */
export function boundListSource<Row>(
  db: object, key: string, bound: readonly unknown[],
  base: (query: ListQuery, bound: readonly unknown[]) => AnySelect<Row>, countBase: () => AnySelect,
): ListSource<Row> {
  const plain = listSource((q) => base(q, bound), countBase, db);
  return {
    count: plain.count,
    page(query) {
      if (query.filter) return plain.page(query);
      const after = query.after ?? [];
      const args = [...bound, ...after.filter((v) => v !== null), query.top + 1, ...(query.skip > 0 ? [query.skip] : [])];
      const shapeKey = `${key}|${query.orderBy.map((o) => `${o.column} ${o.direction}${o.caseInsensitive ? ' ci' : ''}`).join(',')}|${query.after ? after.map((v) => (v === null ? 'n' : 'v')).join('') : '-'}|${query.skip > 0 ? 'offset' : ''}`;
      let shapes = shapeCache.get(db);
      if (!shapes) shapeCache.set(db, (shapes = new Map()));
      let shape = shapes.get(shapeKey);
      if (shape === undefined) {
        const marks = args.map((_, i) => `\u0000xtm-bound-${i}\u0000`);
        let next = bound.length;
        const markedQuery: ListQuery = { ...query, after: query.after && after.map((v) => (v === null ? null : marks[next++]!)) };
        const compiled = withPaging(base(markedQuery, marks.slice(0, bound.length)), markedQuery, marks[next], marks[next + 1]).compile();
        const map = compiled.parameters.map((p) => marks.indexOf(p as string));
        shape = map.includes(-1) ? null : { sql: compiled.sql, map };
        if (shapes.size >= 256) shapes.delete(shapes.keys().next().value!);
        shapes.set(shapeKey, shape);
      }
      if (shape === null) return plain.page(query);
      return readRows<Row>(db, CompiledQuery.raw(shape.sql, shape.map.map((i) => args[i])) as CompiledQuery<Row>);
    },
  };
}

const shapeCache = new WeakMap<object, Map<string, { sql: string; map: number[] } | null>>();

/** Applies only the filter, for `$count` / `@odata.count` queries. */
export function applyListFilter<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, filter: ListFilter | undefined): SelectQueryBuilder<DB, TB, O> {
  return filter ? qb.where(filterToKysely(filter)) : qb;
}
