// Probes for operators and orchestrators: /healthz answers while the process runs; /readyz answers 200
// only when this replica can do its job — the store answers, its schema is the one this code expects,
// a work runner (in this process or another) has beaten recently, and the server is not stopping —
// and 503 with the reason otherwise. Request logs (pino's conventions) and request metrics are here too.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphApp, RouteModule } from './app.js';
import type { AppDeps } from './deps.js';
import type { Metrics } from './metrics.js';
import { opsRepo } from '../store/opsRepo.js';
import { AnyObject, NoQuery } from './routeSchemas.js';

/** A runner heartbeat older than this means no runner is working (runners beat every second). */
export const HEARTBEAT_FRESH_MS = 15_000;
const CHECK_TIMEOUT_MS = 2000;

export interface Readiness { stopping: boolean }

export function healthRoutes(deps: AppDeps, state: Readiness): RouteModule {
  return (app: GraphApp) => {
    const probe = { config: { anonymous: true }, schema: { hide: true, querystring: NoQuery, response: { 200: AnyObject('The probe answer: status and, for /readyz, its checks.'), 503: AnyObject('Not ready: the reason and the checks.') } } };
    app.get('/healthz', probe, async () => ({ status: 'ok' }));
    app.get('/readyz', probe, async (_req, reply) => {
      const r = await readiness(deps, state);
      return reply.code(r.ready ? 200 : 503).send(r.ready ? { status: 'ready', checks: r.checks } : { status: 'not ready', reason: r.reason, checks: r.checks });
    });
  };
}

async function readiness(deps: AppDeps, state: Readiness): Promise<{ ready: boolean; reason?: string; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  if (state.stopping) return { ready: false, reason: 'the server is stopping', checks };
  try {
    const pending = await withTimeout(opsRepo.pendingMigrations(deps.store));
    checks.store = 'ok';
    if (pending.length) return { ready: false, reason: `the store's schema is behind this xtm (migrations not applied: ${pending.join(', ')})`, checks: { ...checks, schema: 'behind' } };
    checks.schema = 'ok';
    const beat = await withTimeout(opsRepo.newestHeartbeatMs(deps.store.db));
    const age = beat === undefined ? undefined : Date.now() - beat;
    if (age === undefined || age > HEARTBEAT_FRESH_MS) {
      const why = age === undefined ? 'no work runner has ever registered with this store' : `no work runner heartbeat for ${Math.round(age / 1000)} s`;
      return { ready: false, reason: `${why} (start \`xtm worker\`, or \`xtm serve\` without --no-worker)`, checks: { ...checks, worker: 'silent' } };
    }
    checks.worker = `heartbeat ${(age / 1000).toFixed(1)} s ago`;
    return { ready: true, checks };
  } catch (err) {
    return { ready: false, reason: `the store does not answer: ${(err as Error).message}`, checks: { ...checks, store: 'unreachable' } };
  }
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * One `info` line per request when it completes (pino's `reqId`, `req`, `res`, `responseTime`, plus the
 * route as registered), and its duration in the request histogram. A global module: sees every route.
 */
export function requestLogModule(metrics: Metrics): RouteModule {
  return (app: GraphApp) => {
    app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
      const route = req.routeOptions.url ?? 'unmatched';
      const ms = reply.elapsedTime;
      metrics.observe(route, req.method, reply.statusCode, ms / 1000);
      req.log.info({ req: { method: req.method, url: req.url }, route, res: { statusCode: reply.statusCode }, responseTime: +ms.toFixed(2) }, 'request completed');
      done();
    });
  };
}
