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

/** Drops the oldest entry of a bounded map when it is full. */
export function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
  if (map.size >= max) map.delete(map.keys().next().value!);
  return map;
}
