// PostgreSQL: a read cache for the hottest reads (a job by id, as its wire JSON, and pages of a
// tenant's jobs), kept exact by the database's own change notifications. On one machine a PostgreSQL round trip costs more CPU than
// everything else in the request; a poll loop of GET job-by-id is what every migration client runs.
//
// Why it stays exact:
// - every insert, update and delete of a migration_jobs row, by any process or thread, NOTIFYs the
//   row's tenant and id at commit (trigger, migration 0008); a listener connection evicts the job and
//   every cached page of its tenant;
// - a write committed through this process's own pool clears the cache when its commit returns,
//   before the request that made it answers (read-your-writes without waiting for the notification);
// - a value read from the database is kept only if no notification or local write arrived while it
//   was being read (a generation counter), so a read racing a write never caches the older row;
// - while the listener is not connected (start, a dropped connection) nothing is cached or served;
// - sync() sends a marker through the same channel and waits for it: notifications arrive in commit
//   order, so after it every change committed before the call has been applied (the admin drain uses
//   it, so "drained, then read" sees the runner's last write);
// - across replicas (read-your-writes behind a load balancer): a cached entry is served only after a
//   marker sent after the read arrived has come back, so a write another replica committed before the
//   read began has evicted its entries first. Markers are shared: every read waiting joins the next one
//   to be sent (one out at a time, on the listener's own connection, at the end of the event-loop turn),
//   so under load one round trip covers many reads. A marker's NOTIFY commits a transaction: on the
//   listener's connection commits are asynchronous (a marker carries nothing to keep), else every marker
//   waits for a WAL flush and the check cost a third of the throughput. Measured in bench/http.ts
//   (postgres vs postgres-unchecked).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { CACHE_BYTES, pageSize, SizedMap, type CacheStats, type ReadCache } from './readCache.js';

export const JOBS_CHANNEL = 'xtm_jobs';

export class PgReadCache implements ReadCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly jobs = new SizedMap<string, string>(CACHE_BYTES); // by `<tenant id> <job id>`
  private readonly pages = new SizedMap<string, unknown[]>(CACHE_BYTES); // by `<tenant id> <the page's query>`
  private generation = 0;
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private live = false;
  private closed = false;
  private readonly waiters = new Map<string, () => void>();
  // Markers name this cache (every replica hears every replica's markers) and count.
  private readonly markerPrefix = `sync:${randomUUID()}:`;
  private markers = 0;

  private unsent: Promise<boolean> | undefined; // the marker reads join until it is sent
  private out: Promise<boolean> | undefined; // the marker sent and not back yet

  /** `crossReplica` false: serve entries without the marker (one replica only; the bench's baseline). */
  constructor(private readonly connect: () => pg.Client, private readonly pool: pg.Pool, private readonly crossReplica = true) {}

  get(tenantId: string, id: string, read: () => Promise<string | undefined>): Promise<string | undefined> {
    return this.through(this.jobs, `${tenantId} ${id}`, read, (doc) => doc.length);
  }

  page<Row>(tenantId: string, query: string, read: () => Promise<Row[]>): Promise<Row[]> {
    return this.through(this.pages as SizedMap<string, Row[]>, `${tenantId} ${query}`, read, pageSize) as Promise<Row[]>; // read() always gives a page
  }

  /** The cached value, or read() through the database, kept when nothing changed while it was read. */
  private async through<V>(map: SizedMap<string, V>, key: string, read: () => Promise<V | undefined>, sizeOf: (v: V) => number): Promise<V | undefined> {
    if (!this.live) {
      void this.listen();
      this.stats.misses++;
      return read();
    }
    let hit = map.get(key);
    // Any write committed before now (by any replica) reaches the cache before the hit is served.
    if (hit !== undefined && this.crossReplica) hit = (await this.caughtUp()) ? map.get(key) : undefined;
    if (hit !== undefined) {
      this.stats.hits++;
      return hit;
    }
    this.stats.misses++;
    const seen = this.generation;
    const value = await read();
    if (value !== undefined && this.live && seen === this.generation) map.set(key, value, sizeOf(value));
    return value;
  }

  /** A write through this process's pool committed: forget everything (writes are rare, reads are not). */
  written(): void {
    this.generation++;
    this.jobs.clear();
    this.pages.clear();
  }

  /** True once a marker sent after the call has come back (every earlier commit's notification applied). */
  private caughtUp(): Promise<boolean> {
    // A marker already sent may have left before this read began: join only the one not sent yet. It
    // leaves at the end of this turn, or when the marker out comes back (one at a time on the connection).
    this.unsent ??= (async () => {
      await (this.out ?? new Promise<void>((r) => setImmediate(r)));
      this.unsent = undefined;
      const sent = this.sendMarker();
      this.out = sent;
      const back = await sent;
      if (this.out === sent) this.out = undefined;
      return back;
    })();
    return this.unsent;
  }

  private async sendMarker(): Promise<boolean> {
    const client = this.listener;
    try {
      if (!client || !this.live) return false;
      const marker = `${this.markerPrefix}${this.markers++}`;
      let timer: NodeJS.Timeout | undefined;
      const arrived = new Promise<boolean>((resolve) => {
        this.waiters.set(marker, () => resolve(true));
        timer = setTimeout(() => resolve(false), 2000);
      });
      await client.query('select pg_notify($1, $2)', [JOBS_CHANNEL, marker]);
      const back = await arrived;
      clearTimeout(timer);
      this.waiters.delete(marker);
      return back;
    } catch {
      return false;
    }
  }

  /** Returns once every change committed before the call has reached this cache. */
  async sync(): Promise<void> {
    if (!this.live) return; // nothing is cached
    const marker = `sync:${randomUUID()}`;
    const arrived = new Promise<void>((resolve) => this.waiters.set(marker, resolve));
    await this.pool.query('select pg_notify($1, $2)', [JOBS_CHANNEL, marker]);
    await Promise.race([arrived, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.waiters.delete(marker);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
  }

  private listen(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = this.connect();
      const lost = () => {
        if (this.listener !== client) return;
        this.live = false;
        this.listener = undefined;
        this.connecting = undefined;
        this.written();
        void client.end().catch(() => undefined);
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', (n) => {
        const payload = n.payload ?? '';
        // A marker: ours wakes its reads; another replica's changes nothing here.
        if (payload.startsWith('sync:')) return this.waiters.get(payload)?.();
        // `<tenant id> <job id>`: the job, and every cached page of its tenant.
        this.generation++;
        this.jobs.delete(payload);
        const prefix = `${payload.split(' ')[0]} `;
        for (const key of [...this.pages.keys()]) if (key.startsWith(prefix)) this.pages.delete(key);
      });
      try {
        await client.connect();
        // Markers commit on this connection (a NOTIFY takes a transaction id): nothing in them needs the WAL flushed.
        await client.query('set synchronous_commit = off');
        await client.query(`listen ${JOBS_CHANNEL}`);
        if (this.closed) return void (await client.end());
        this.listener = client;
        this.written();
        this.live = true;
      } catch {
        await client.end().catch(() => undefined);
        // Try again on a later read, not at once: the database may be down.
        setTimeout(() => (this.connecting = undefined), 1000).unref();
      }
    })().catch(() => undefined); // the cache is an optimisation: a failure to listen only means no caching
    return this.connecting;
  }
}
