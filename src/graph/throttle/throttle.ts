// Throttling like Microsoft Graph, so clients rehearse back-off:
// - A request budget per app and tenant (fixed window, wall-clock time): over it, 429 TooManyRequests
//   with Retry-After (seconds until the window ends) and Graph's error body. Default 10,000 requests per
//   600 s (Outlook's documented per-app-per-mailbox limit, applied per tenant); XTM_THROTTLE_BUDGET=
//   "<requests>/<seconds>" changes the default ("0/…" = no budget), the loaded scenario's `throttling.budget`
//   (kept in xtm_settings) overrides it, and PUT /xtm/admin/throttling overrides both until the next load.
// - Faults: a share of the requests to chosen routes from chosen apps answers 429, 503 or 504 (with
//   Retry-After), deterministically (the first matching request, then one in every 1/share), set through PUT /xtm/admin/throttling.
// Counters live in this process (each replica throttles on its own, as Graph's front ends do).
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors, type GraphError } from '../errors.js';
import { sendOData } from '../odataResponse.js';
import { NoQuery } from '../routeSchemas.js';
import { ThrottleBudgetInput, type ThrottleBudget as Budget } from '../../tenants/inputSchemas.throttling.js';
import { readThrottleBudget } from '../../store/settingsRepo.js';

export interface Fault {
  /** Path patterns after the version segment, `*` matching one segment and `**` any rest: `/users/*\/messages`. */
  routes: string[];
  /** Client ids the fault applies to; empty = every app. */
  appIds: string[];
  status: 429 | 503 | 504;
  /** Share of matching requests that fail, 0 < share ≤ 1. */
  share: number;
  retryAfterSeconds: number;
}
interface State { budget: Budget; faults: (Fault & { seen: number; re: RegExp })[]; windows: Map<string, { start: number; count: number }> }

function budgetFromEnv(): Budget {
  const m = /^(\d+)\/(\d+)$/.exec(process.env.XTM_THROTTLE_BUDGET ?? '');
  return m ? { requests: Number(m[1]), windowSeconds: Math.max(1, Number(m[2])) } : { requests: 10_000, windowSeconds: 600 };
}

const states = new WeakMap<object, State>();
function stateOf(deps: AppDeps): State {
  let s = states.get(deps.store);
  if (!s) {
    s = { budget: budgetFromEnv(), faults: [], windows: new Map() };
    states.set(deps.store, s);
  }
  return s;
}

const patternOf = (p: string) => new RegExp(`^${p.split('/').map((seg) => (seg === '**' ? '.*' : seg === '*' ? '[^/]+' : seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`, 'i');

const tooMany = Errors.throttled;
const FAULT_ERRORS: Record<Fault['status'], (r: number) => GraphError> = {
  429: tooMany,
  503: Errors.serviceNotAvailable,
  504: Errors.gatewayTimeout,
};

/**
 * Puts the budget back to the loaded scenario's (or the default): at start, and after a rehearsal reset or a
 * snapshot restore replaced the store. Clears the counters.
 */
export async function reloadThrottleBudget(deps: AppDeps): Promise<void> {
  const s = stateOf(deps);
  s.budget = (await readThrottleBudget(deps.store.db)) ?? budgetFromEnv();
  s.windows.clear();
}

/** Graph module: the budget and fault check on every authenticated Graph request (after the token is verified). */
export async function throttleModule(app: GraphApp, deps: AppDeps): Promise<void> {
  await reloadThrottleBudget(deps);
  const now = () => Date.now();
  app.addHook('onRequest', (req, _reply, done) => {
    const p = req.principal;
    if (!p) return done();
    try {
      check(stateOf(deps), req, p.appId, p.tenantId, now());
      done();
    } catch (e) {
      done(e as Error);
    }
  });
}

function check(s: State, req: FastifyRequest, appId: string, tenantId: string, nowMs: number): void {
  const path = (req.url.split('?')[0] ?? '').replace(/^\/(beta|v1\.0)(?=\/)/i, '');
  for (const f of s.faults) {
    if (f.appIds.length && !f.appIds.includes(appId.toLowerCase())) continue;
    if (!f.re.test(path)) continue;
    const n = f.seen++;
    if (Math.ceil((n + 1) * f.share) > Math.ceil(n * f.share)) throw FAULT_ERRORS[f.status](f.retryAfterSeconds);
  }
  if (s.budget.requests <= 0) return;
  const key = `${appId}|${tenantId}`;
  const windowMs = s.budget.windowSeconds * 1000;
  let w = s.windows.get(key);
  if (!w || nowMs - w.start >= windowMs) {
    w = { start: nowMs, count: 0 };
    s.windows.set(key, w);
    if (s.windows.size > 100_000) s.windows.clear();
  }
  if (++w.count > s.budget.requests) throw tooMany(Math.max(1, Math.ceil((w.start + windowMs - nowMs) / 1000)));
}

const FaultSchema = Type.Object({
  routes: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: 50 }),
  appIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
  status: Type.Union([Type.Literal(429), Type.Literal(503), Type.Literal(504)]),
  share: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
}, { additionalProperties: false });
const ThrottlingBody = Type.Object({
  budget: Type.Optional(ThrottleBudgetInput),
  faults: Type.Optional(Type.Array(FaultSchema, { maxItems: 50 })),
}, { additionalProperties: false });

/** What GET and PUT answer: the budget and the faults as set (retryAfterSeconds and appIds filled in). */
const ThrottlingState = Type.Object({
  budget: Type.Object({ requests: Type.Integer(), windowSeconds: Type.Integer() }),
  faults: Type.Array(Type.Object({ routes: Type.Array(Type.String()), appIds: Type.Array(Type.String()), status: Type.Integer(), share: Type.Number(), retryAfterSeconds: Type.Integer() })),
});

/** Root module: GET/PUT /xtm/admin/throttling (guarded by the admin key like every /xtm/admin route). */
export function throttleAdminRoutes(app: GraphApp, deps: AppDeps): void {
  const view = (s: State) => ({ budget: s.budget, faults: s.faults.map(({ routes, appIds, status, share, retryAfterSeconds }) => ({ routes, appIds, status, share, retryAfterSeconds })) });
  app.get('/xtm/admin/throttling', { schema: { querystring: NoQuery, response: { 200: ThrottlingState } } }, async (_req, reply) => sendOData(reply, 200, view(stateOf(deps))));
  app.put('/xtm/admin/throttling', { schema: { body: ThrottlingBody, response: { 200: ThrottlingState } } }, async (req, reply) => {
    const s = stateOf(deps);
    const body = req.body as { budget?: Budget; faults?: (Omit<Fault, 'appIds' | 'retryAfterSeconds'> & { appIds?: string[]; retryAfterSeconds?: number })[] };
    if (body.budget) {
      s.budget = body.budget;
      s.windows.clear();
    }
    if (body.faults) {
      s.faults = body.faults.map((f) => ({
        routes: f.routes, appIds: (f.appIds ?? []).map((a) => a.toLowerCase()), status: f.status, share: f.share, retryAfterSeconds: f.retryAfterSeconds ?? 1,
        seen: 0, re: new RegExp(f.routes.map((r) => patternOf(r).source).join('|'), 'i'),
      }));
    }
    return sendOData(reply, 200, view(s));
  });
}
