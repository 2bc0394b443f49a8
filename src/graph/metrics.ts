// Prometheus /metrics (prom-client), one registry per server: request durations by route and status
// measured here; the store-wide figures (jobs, work items, moved items and bytes, validation failures)
// read from the store when scraped, so every replica reports the whole deployment's state (take max()
// across replicas); this process's read cache and connection pool.
import client from 'prom-client';
import { Type } from 'typebox';
import type { AppDeps } from './deps.js';
import type { GraphApp, RouteModule } from './app.js';
import { NoQuery } from './routeSchemas.js';
import { opsRepo } from '../store/opsRepo.js';
import { readCacheStats } from '../store/readCache.js';

export interface Metrics { registry: client.Registry; observe(route: string, method: string, status: number, seconds: number): void }

export function makeMetrics(deps: AppDeps): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'xtm_' });
  const { db } = deps.store;
  const http = new client.Histogram({
    name: 'xtm_http_request_duration_seconds', help: 'HTTP requests by route (as registered), method and status code',
    labelNames: ['route', 'method', 'status_code'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  // Store-wide figures are read once per scrape: every store gauge's collect() awaits the same read.
  let scrape: Promise<void> | undefined;
  const fromStore = async () => {
    scrape ??= fill().finally(() => setTimeout(() => (scrape = undefined), 0));
    await scrape;
  };
  const gauge = (name: string, help: string, labelNames: string[]) => new client.Gauge({ name, help, labelNames, registers: [registry], collect: fromStore });
  const jobs = gauge('xtm_jobs', 'Migration jobs by status', ['status']);
  const queued = gauge('xtm_work_items_queued', 'Work items waiting (due or scheduled) by task', ['task']);
  const running = gauge('xtm_work_items_running', 'Work items locked by a runner by task', ['task']);
  const failed = gauge('xtm_work_items_failed', 'Work items that exhausted their attempts (dead letters) by task', ['task']);
  const oldest = gauge('xtm_work_oldest_due_age_seconds', 'Age of the oldest due, unclaimed work item by task', ['task']);
  const items = gauge('xtm_moved_items', 'Items copied to the target so far, by workload (all jobs)', ['workload']);
  const bytes = gauge('xtm_moved_bytes', 'Bytes copied to the target so far, by workload (all jobs)', ['workload']);
  const rules = gauge('xtm_validation_failures', 'Current per-user validation errors by rule code', ['rule']);
  const fill = async () => {
    const [j, w, m, v] = await Promise.all([opsRepo.jobsByStatus(db), opsRepo.workByTask(db, Date.now()), opsRepo.movedByWorkload(db), opsRepo.validationFailuresByRule(db)]);
    for (const g of [jobs, queued, running, failed, oldest, items, bytes, rules]) g.reset();
    for (const r of j) jobs.set({ status: r.status }, r.n);
    for (const r of w) {
      queued.set({ task: r.task }, r.queued);
      running.set({ task: r.task }, r.running);
      failed.set({ task: r.task }, r.failed);
      oldest.set({ task: r.task }, r.oldestDueAgeSec);
    }
    for (const r of m) {
      items.set({ workload: r.workload }, r.items);
      bytes.set({ workload: r.workload }, r.bytes);
    }
    for (const r of v) rules.set({ rule: r.rule }, r.n);
  };

  new client.Counter({ name: 'xtm_read_cache_hits_total', help: 'Reads served from this process\'s read cache', registers: [registry], collect() {
    this.reset();
    this.inc(readCacheStats(db)?.hits ?? 0);
  } });
  new client.Counter({ name: 'xtm_read_cache_misses_total', help: 'Reads this process\'s read cache passed to the database', registers: [registry], collect() {
    this.reset();
    this.inc(readCacheStats(db)?.misses ?? 0);
  } });
  const pool = deps.store.pool;
  if (pool) {
    new client.Gauge({ name: 'xtm_db_pool_connections', help: 'Database pool connections by state (in use, idle, max) and requests waiting for one', labelNames: ['state'], registers: [registry], collect() {
      const p = pool();
      this.set({ state: 'in_use' }, p.total - p.idle);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'max' }, p.max);
      this.set({ state: 'waiting' }, p.waiting);
    } });
  }
  return { registry, observe: (route, method, status, seconds) => http.observe({ route, method, status_code: String(status) }, seconds) };
}

/** GET /metrics (anonymous, like /healthz: bind xtm where only your scraper reaches it). */
export function metricsRoutes(metrics: Metrics): RouteModule {
  return (app: GraphApp) => {
    app.get('/metrics', { config: { anonymous: true }, schema: { hide: true, querystring: NoQuery, response: { 200: { content: { 'text/plain': { schema: Type.String({ description: 'Prometheus text exposition format.' }) } } } } } }, async (_req, reply) => {
      const text = await metrics.registry.metrics();
      return reply.header('content-type', metrics.registry.contentType).send(text);
    });
  };
}
