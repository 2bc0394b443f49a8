// SQLite: the read cache (readCache.ts) is exact by construction. Each entry remembers the database's
// version when it was read: SQLite's `data_version` (changes when another connection, the runner's
// thread or another process, commits) with this connection's `total_changes()` (its own writes). An
// entry is served only while both are unchanged, and never inside a transaction. The version and
// the read happen in the same synchronous step, so no commit of this thread can fall between them; a
// commit by another connection in between only makes the entry look older than it is.
import type Database from 'better-sqlite3';
import { CACHE_BYTES, pageSize, SizedMap, type ReadCache } from './readCache.js';

export class SqliteReadCache implements ReadCache {
  private readonly jobs = new SizedMap<string, { tenantId: string; doc: string; at: string }>(CACHE_BYTES);
  private readonly pages = new SizedMap<string, { rows: unknown[]; at: string }>(CACHE_BYTES);
  private readonly dataVersion: Database.Statement;
  private readonly ownChanges: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    // Two statements: a bare `pragma` and a table-less select run faster than one table-valued pragma.
    this.dataVersion = sqlite.prepare('pragma data_version').pluck();
    this.ownChanges = sqlite.prepare('select total_changes()').pluck();
  }

  async get(tenantId: string, id: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    const at = this.version();
    if (at === undefined) return read();
    const hit = this.jobs.get(id);
    if (hit && hit.at === at && hit.tenantId === tenantId) return hit.doc;
    const doc = await read();
    if (doc !== undefined) this.jobs.set(id, { tenantId, doc, at }, doc.length);
    return doc;
  }

  async page<Row>(tenantId: string, query: string, read: () => Promise<Row[]>): Promise<Row[]> {
    const at = this.version();
    if (at === undefined) return read();
    const key = `${tenantId}\u0000${query}`;
    const hit = this.pages.get(key);
    if (hit && hit.at === at) return hit.rows as Row[];
    const rows = await read();
    this.pages.set(key, { rows, at }, pageSize(rows));
    return rows;
  }

  async sync(): Promise<void> {
    // Every read checks the version first: there is nothing to wait for.
  }

  private version(): string | undefined {
    if (this.sqlite.inTransaction) return undefined;
    return `${this.ownChanges.get() as number}:${this.dataVersion.get() as number}`;
  }
}
