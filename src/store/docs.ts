// Rows read as their wire JSON, rendered by the database: one string per row instead of a value per
// column that JavaScript then decodes, reshapes and serializes again. The graph layer names the
// properties and their columns (its field map); the SQL that renders them lives here, per dialect.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from './dialect.js';

/** How a column becomes a JSON value: as it is (text, number, NULL), embedded JSON, or an instant as Graph writes it. */
export type DocKind = 'text' | 'json' | 'time';
export interface DocField { name: string; column: string; kind: DocKind }

/** The expression rendering one row as a JSON object (properties in the given order). */
export function docExpression(db: Kysely<any>, fields: readonly DocField[]): RawBuilder<string> {
  const pg = isPostgres(db);
  const parts = fields.map((f) => {
    const col = sql.ref(f.column);
    // 'time' is domain/dateTime.ts formatDateTimeOffset in SQL: UTC, seven fractional digits (ms + "0000").
    const value = f.kind === 'json' ? (pg ? col : sql`json(${col})`)
      : f.kind === 'time' ? (pg ? sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"0000Z"')` : sql`strftime('%Y-%m-%dT%H:%M:%f0000Z', ${col})`)
      : col;
    return sql`${sql.lit(f.name)}, ${value}`;
  });
  // json_build_object keeps the properties' order (jsonb would sort them).
  const expr = pg ? sql<string>`json_build_object(${sql.join(parts)})::text` : sql<string>`json_object(${sql.join(parts)})`;
  // Names are literals and columns identifiers, so the expression binds no value: compiled once here, it is
  // one raw node in every query that uses it, not thirty for Kysely to walk on each request.
  const compiled = expr.compile(db);
  if (compiled.parameters.length) throw new Error('docExpression: the rendering must not bind values');
  return sql.raw<string>(compiled.sql);
}
