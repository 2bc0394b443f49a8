// Composition root: store, clock, token authority, work runner and the HTTP / HTTPS listeners.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Clock } from './clock.js';
import { DEFAULTS, type XtmConfig } from './config.js';
import { openStore, type Store } from './store/db.js';
import { buildApp, type GraphApp } from './graph/app.js';
import type { AppDeps } from './graph/deps.js';
import { loadOrCreateSharedAdminKey, loadOrCreateSigningKey } from './graph/auth/keys.js';
import { makeTokenAuthority, type TokenAuthority } from './graph/auth/tokens.js';
import { persistClock } from './graph/admin/clock.js';
import { readClockAnchors } from './store/settingsRepo.js';
import { listTenants } from './store/tenantsRepo.js';
import { directoryRepo } from './store/directoryRepo.js';
import { isLoopback } from './graph/admin/auth.js';
import { routeList } from './graph/routes.js';
import type { ValidationExecutor } from './engine/jobs/validationPort.js';
import { openWorkQueue, type ServerWorkQueue } from './engine/work/workQueue.js';
import type { ModuleRef } from './engine/work/host.js';
import type { RunnerOptions } from './engine/work/runnerOptions.js';
import { loadOrCreateTls, type TlsMaterial } from './tls.js';
import { loadScenarioFileApart } from './tenants/scenario/loadApart.js';
import type { Readiness } from './graph/health.js';
import { makeMetrics } from './graph/metrics.js';
import { acquireStoreOwnership, type StoreOwnership } from './store/ownerLock.js';
import { logJobChanges } from './engine/jobs/jobLog.js';

export interface XtmServer {
  deps: AppDeps;
  authority: TokenAuthority;
  http: GraphApp;
  https?: GraphApp;
  tls?: TlsMaterial;
  queue: ServerWorkQueue;
  /** The admin API's key (undefined when admin auth is off) and the file it is kept in. */
  admin?: { key: string; path: string; created: boolean };
  /** The tenants already in the store when `scenario` was configured but not loaded (not a first start). */
  scenarioSkipped?: string[];
  /** Listens on the configured ports (0 = any free port); returns the base URLs and every bound address. */
  listen(): Promise<{ http: string; https?: string; bound: string[] }>;
  /**
   * Stops in order, logging each step: /readyz turns 503, the listeners stop accepting and finish their
   * in-flight requests while the runner lets running work items reach their next commit point and
   * releases their locks; then the store closes and (SQLite) its ownership is released.
   */
  close(): Promise<void>;
}

/**
 * `validate`: a function keeps the runner in this thread (tests that count or fail calls); a module
 * reference is loaded by the worker thread. Default: the validation rules engine, in the worker thread.
 * `wallClock`: the token authority's clock (tests move it instead of waiting for a token to expire).
 */
export async function createServer(partial: Partial<XtmConfig> = {}, opts: { log?: Logger; clock?: Clock; validate?: ValidationExecutor | ModuleRef; runner?: RunnerOptions; wallClock?: () => number } = {}): Promise<XtmServer> {
  const config: XtmConfig = { ...DEFAULTS, ...partial };
  // Anyone who reaches /xtm/admin can mint tokens for any tenant: without the key, loopback only.
  if (!config.adminAuth && !isLoopback(config.host)) {
    throw new Error(`refusing to serve the admin API without its key on ${config.host}: without admin auth xtm binds only to a loopback address (127.0.0.1, ::1, localhost)`);
  }
  const log = opts.log ?? pino({ level: config.logLevel });
  const location = config.db || join(config.dataDir, 'xtm.db');
  // A SQLite file has one owner at a time (store/ownerLock.ts): a second server is refused here.
  const owner: StoreOwnership | undefined = isSqliteFile(location) ? acquireStoreOwnership(location) : undefined;
  let store: Store;
  try {
    store = await openStore(location);
  } catch (err) {
    owner?.release();
    throw err;
  }
  const clock = opts.clock ?? (await restoreClock(store, config.clock));
  await persistClock(store, clock);

  const firstStart = await directoryRepo.isEmpty(store.db);
  if (firstStart && config.scenario) {
    const report = await loadScenarioFileApart(store, clock, config.scenario);
    log.info({ scenario: config.scenario, tenants: report.tenants.map((t) => t.displayName), users: report.users, items: report.items.total, faultUsers: report.faults.length, seconds: +report.seconds.toFixed(2) }, 'scenario loaded');
  }
  // A scenario is loaded on first start only: say so when one was asked for and the store has tenants.
  const scenarioSkipped = !firstStart && config.scenario ? (await listTenants(store)).map((t) => t.displayName) : undefined;

  const key = await loadOrCreateSigningKey(store, clock.iso());
  const authority = makeTokenAuthority(store, key, config.tokenLifetimeSec, opts.wallClock, config.publicUrl);
  const admin = config.adminAuth ? await loadOrCreateSharedAdminKey(store, config.dataDir) : undefined;
  const queue = await openWorkQueue(store, clock, config, log, { validate: opts.validate, runner: opts.runner });
  const deps: AppDeps = { store, clock, config, queue, log };
  const metrics = makeMetrics(deps);
  const stopJobLog = logJobChanges(log);
  const readiness: Readiness = { stopping: false };

  const routes = routeList({ authority, signingKey: key, adminKey: admin?.key, deps, readiness, metrics });
  const http = await buildApp(deps, routes);
  let https: GraphApp | undefined;
  let tls: TlsMaterial | undefined;
  if (config.httpsPort !== null) {
    tls = await loadOrCreateTls(config.dataDir);
    https = await buildApp(deps, routes, { https: { key: tls.key, cert: tls.cert } });
  }
  if (config.worker) queue.start();

  return {
    deps,
    authority,
    http,
    https,
    tls,
    queue,
    admin,
    scenarioSkipped,
    async listen() {
      const httpUrl = await http.listen({ host: config.host, port: config.port });
      const httpsUrl = https ? await https.listen({ host: config.host, port: config.httpsPort ?? 0 }) : undefined;
      // Connections past the cap are closed at accept: slow clients cannot take every descriptor.
      for (const app of https ? [http, https] : [http]) if (config.maxConnections > 0) app.server.maxConnections = config.maxConnections;
      const bound = [...boundUrls(http, 'http'), ...(https ? boundUrls(https, 'https') : [])];
      authority.setOrigins([httpUrl, ...(httpsUrl ? [httpsUrl] : []), ...bound]);
      return { http: httpUrl, https: httpsUrl, bound };
    },
    async close() {
      readiness.stopping = true;
      log.info('stopping: no new connections; finishing in-flight requests and running work items');
      const listeners = Promise.all([http.close(), https?.close()]).then(() => log.info('stopping: listeners closed, in-flight requests finished'));
      const work = queue.stop().then(() => log.info('stopping: runner stopped, its work items committed and their locks released'));
      await Promise.all([listeners, work]);
      await store.close();
      owner?.release();
      stopJobLog();
      log.info('stopped');
    },
  };
}

const isSqliteFile = (location: string) => !/^postgres(ql)?:\/\//.test(location) && location !== ':memory:';

/** Every address a listener is bound to, as URLs (an unspecified address like 0.0.0.0 is printed as is). */
function boundUrls(app: GraphApp, scheme: 'http' | 'https'): string[] {
  return app.addresses().map((a) => (typeof a === 'string' ? a : `${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`));
}

/** Virtual time continues from the persisted anchors (never backwards), at the configured speed. */
async function restoreClock(store: Store, spec: string): Promise<Clock> {
  const anchors = await readClockAnchors(store.db);
  return Clock.parse(spec, anchors ? Clock.continuation(anchors) : undefined);
}

