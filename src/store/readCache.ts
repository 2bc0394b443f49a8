// The store's read cache for the hottest reads: a job by id (its wire JSON) and pages of a tenant's
// jobs. Each dialect keeps it exact its own way (sqliteReadCache.ts: SQLite's data version;
// pgReadCache.ts: PostgreSQL's change notifications); repositories only look it up here.
export interface ReadCache {
  /** The tenant's job `id`, as cached or read() now. */
  get(tenantId: string, id: string, read: () => Promise<string | undefined>): Promise<string | undefined>;
  /** A page of the tenant's jobs for `query` (its full description), as cached or read() now. */
  page<Row>(tenantId: string, query: string, read: () => Promise<Row[]>): Promise<Row[]>;
  /** Returns once every change committed before the call is what the cache serves. */
  sync(): Promise<void>;
  /** Lookups served from the cache and read through to the database, since start (for /metrics). */
  readonly stats: CacheStats;
}

export interface CacheStats { hits: number; misses: number }

/** The cache's hit and miss counts for this store (undefined: no cache). */
export function readCacheStats(db: object): CacheStats | undefined {
  return caches.get(db)?.stats;
}

const caches = new WeakMap<object, ReadCache>();

export function registerReadCache(db: object, cache: ReadCache): void {
  caches.set(db, cache);
}

export function readCacheOf(db: object): ReadCache | undefined {
  return caches.get(db);
}

/** Every change committed before the call is visible to this store's cached reads. */
export async function syncReads(db: object): Promise<void> {
  await caches.get(db)?.sync();
}

/**
 * A map holding at most `maxBytes` of values (each with the size it is given: a 2,000-user job's JSON is
 * 80 KB, a plain one 1 KB), dropping the oldest first.
 */
export class SizedMap<K, V> {
  private readonly entries = new Map<K, { value: V; size: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: K, value: V, size: number): void {
    this.delete(key);
    if (size > this.maxBytes) return;
    while (this.bytes + size > this.maxBytes) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, size });
    this.bytes += size;
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.bytes -= e.size;
    this.entries.delete(key);
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/** About how many bytes a page of rows holds (its strings). */
export function pageSize(rows: readonly unknown[]): number {
  let n = 0;
  for (const r of rows) for (const v of Object.values(r as object)) n += typeof v === 'string' ? v.length : 8;
  return n;
}

export const CACHE_BYTES = 64 * 1024 * 1024; // per map: jobs, and pages
