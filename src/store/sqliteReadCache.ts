// SQLite: the read cache (readCache.ts) is exact by construction. Each entry remembers the database's
// version when it was read: SQLite's `data_version` (changes when another connection, the runner's
// thread or another process, commits) with this connection's `total_changes()` (its own writes). An
// entry is served only while both are unchanged, and never inside a transaction. The version and
// the read happen in the same synchronous step, so no commit of this thread can fall between them; a
// commit by another connection in between only makes the entry look older than it is.
import type Database from 'better-sqlite3';
import { CACHE_BYTES, pageSize, SizedMap, type CacheStats, type ReadCache } from './readCache.js';

export class SqliteReadCache implements ReadCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly jobs = new SizedMap<string, { value: string; at: string }>(CACHE_BYTES);
  private readonly pages = new SizedMap<string, { value: unknown[]; at: string }>(CACHE_BYTES);
  private statements: { generation: number; dataVersion: Database.Statement; ownChanges: Database.Statement } | undefined;

  /** `generation` changes when the connection is replaced (a snapshot restore): versions of one connection mean nothing on the next. */
  constructor(private readonly handle: { readonly current: Database.Database; readonly open: boolean; readonly generation: number }) {}

  get(tenantId: string, id: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    return this.through(this.jobs, `${tenantId}\u0000${id}`, read, (doc) => doc.length);
  }

  page<Row>(tenantId: string, query: string, read: () => Promise<Row[]>): Promise<Row[]> {
    return this.through(this.pages as SizedMap<string, { value: Row[]; at: string }>, `${tenantId}\u0000${query}`, read, pageSize) as Promise<Row[]>; // read() always gives a page
  }

  /** The entry read at the database's current version, or read() now and kept with that version. */
  private async through<V>(map: SizedMap<string, { value: V; at: string }>, key: string, read: () => Promise<V | undefined>, sizeOf: (v: V) => number): Promise<V | undefined> {
    const at = this.version();
    if (at === undefined) return read();
    const hit = map.get(key);
    if (hit && hit.at === at) {
      this.stats.hits++;
      return hit.value;
    }
    this.stats.misses++;
    const value = await read();
    if (value !== undefined) map.set(key, { value, at }, sizeOf(value));
    return value;
  }

  async sync(): Promise<void> {
    // Every read checks the version first: there is nothing to wait for.
  }

  private version(): string | undefined {
    const h = this.handle;
    if (!h.open || h.current.inTransaction) return undefined;
    if (this.statements?.generation !== h.generation) {
      // Two statements: a bare `pragma` and a table-less select run faster than one table-valued pragma.
      this.statements = { generation: h.generation, dataVersion: h.current.prepare('pragma data_version').pluck(), ownChanges: h.current.prepare('select total_changes()').pluck() };
    }
    return `${h.generation}:${this.statements.ownChanges.get() as number}:${this.statements.dataVersion.get() as number}`;
  }
}
