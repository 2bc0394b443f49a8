/**
 * Turns checked OData query options into Kysely expressions. Every user value
 * is a bound parameter; column names come only from the developer-written
 * FieldMap and are emitted with sql.ref (quoted identifiers). Works on SQLite
 * and PostgreSQL.
 *
 * Null semantics follow OData rather than SQL three-valued logic: a comparison
 * against a NULL column is false (never unknown), `ne 'x'` matches NULL, so
 * `not (...)` negates exactly.
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { resolveFilter, type FieldMap, type ResolvedFilter } from './fields.js';
import type { FilterNode } from './filter.js';
import type { KeysetValue } from './paging.js';
import type { CollectionQuery, OrderByItem } from './query.js';

const SQL_OPS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** Escapes LIKE metacharacters for use with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function operand(column: string, lower: boolean): Expression<unknown> {
  return lower ? sql`lower(${sql.ref(column)})` : sql.ref(column);
}

function build(eb: ExpressionBuilder<any, any>, f: ResolvedFilter): Expression<SqlBool> {
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
 * Validates `node` against `fields` immediately (throws ODataQueryError) and
 * returns a callback for `.where(...)`.
 */
export function filterToKysely(
  node: FilterNode,
  fields: FieldMap,
): (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> {
  const resolved = resolveFilter(node, fields);
  return (eb) => build(eb, resolved);
}

/**
 * Applies ordering. OData puts nulls first when ascending and last when
 * descending; that is spelled out because PostgreSQL's default is the reverse.
 */
export function orderByToKysely<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  orderBy: readonly OrderByItem[],
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
  orderBy: readonly OrderByItem[],
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

/**
 * where + keyset anchor + order by + limit/offset for a parsed collection
 * query. Fetches `top + 1` rows so the caller can tell whether a next page
 * exists (see takePage / nextSkipToken in paging.ts).
 */
export function applyCollectionQuery<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  query: Pick<CollectionQuery, 'filter' | 'orderBy' | 'top' | 'skip' | 'after'>,
  fields: FieldMap,
): SelectQueryBuilder<DB, TB, O> {
  let out = qb;
  if (query.filter) out = out.where(filterToKysely(query.filter, fields));
  if (query.after) out = out.where(keysetToKysely(query.orderBy, query.after));
  out = orderByToKysely(out, query.orderBy).limit(query.top + 1);
  return query.skip > 0 ? out.offset(query.skip) : out;
}

/** Applies only the filter, for `$count` / `@odata.count` queries. */
export function applyFilter<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  filter: FilterNode | undefined,
  fields: FieldMap,
): SelectQueryBuilder<DB, TB, O> {
  return filter ? qb.where(filterToKysely(filter, fields)) : qb;
}
