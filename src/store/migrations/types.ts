// Column types for migrations after 0001, one place per dialect: JSON documents and instants.
// New tables use these so PostgreSQL gets native types where the dialect has them.
import type { StoreDialect } from '../db.js';

export function columnTypes(dialect: StoreDialect) {
  return {
    text: 'text' as const,
    int: 'integer' as const,
    big: dialect === 'sqlite' ? ('integer' as const) : ('bigint' as const),
    /** A JSON document (text on SQLite). */
    json: 'text' as const,
    /** An ISO-8601 instant in UTC (text on SQLite). */
    time: 'text' as const,
  };
}
