// Column types for every migration, one place per dialect: JSON documents and instants are native
// (jsonb, timestamptz) on PostgreSQL and text on SQLite. The store's PostgreSQL type parsers
// (store/pgTypes.ts) read them back as the same text SQLite returns, so code above never branches.
import type { StoreDialect } from '../db.js';

export function columnTypes(dialect: StoreDialect) {
  const pg = dialect === 'postgres';
  return {
    text: 'text' as const,
    int: 'integer' as const,
    big: pg ? ('bigint' as const) : ('integer' as const),
    /** A JSON document: jsonb on PostgreSQL, text on SQLite; read back as JSON text on both. */
    json: pg ? ('jsonb' as const) : ('text' as const),
    /** An instant: timestamptz on PostgreSQL, ISO-8601 UTC text on SQLite; read back as ISO-8601 `Z` text (ms) on both. */
    time: pg ? ('timestamptz' as const) : ('text' as const),
  };
}
