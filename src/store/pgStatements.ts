// Named (server-side prepared) statements for the store's PostgreSQL pool. Kysely sends every query
// unnamed, so PostgreSQL parses and plans it on every call: 0.1–0.4 ms of planning for a 0.05 ms
// lookup. Each distinct parameterized DML text gets a name (up to a bound, so ad-hoc $filter shapes
// cannot grow the server's memory without limit); each connection prepares it once and then only
// binds and executes. DDL and parameterless statements stay unnamed (a cached plan must not outlive
// a schema change).
import type pg from 'pg';

const DML = /^\s*(select|insert|update|delete|with)\b/i;

export function nameStatements(pool: pg.Pool, maxNames = 2000): void {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < maxNames) {
      name = `xtm_${names.size.toString(36)}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined && DML.test(text)) {
        const name = nameOf(text);
        if (name) return query({ name, text, values });
      }
      return query(text, values, callback);
    };
  });
}

const READ_ONLY = /^\s*(select|begin|start transaction|rollback|show|set|listen|unlisten)\b/i;

/**
 * Calls `written` once any statement that may have changed data (a commit, a write outside a
 * transaction) has returned on one of the pool's connections: the read cache (pgReadCache.ts) forgets
 * what this process changed before the request that changed it answers.
 */
export function watchWrites(pool: pg.Pool, written: () => void): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
      const result = query(...args);
      if (typeof text === 'string' && !READ_ONLY.test(text) && result instanceof Promise) result.then(written, written);
      return result;
    };
  });
}
