// xtm's own control plane for time (not part of Graph): read the clock, advance it, change its speed,
// and (rehearsals only) reset it. A GET never changes anything. Every input is bounded: the clock stays
// between now and 9999-12-31T23:59:59.999Z, so no request can leave it unusable. Each change is
// persisted (xtm_settings) before it is reported, so a restart never moves virtual time backwards.
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { NoQuery } from '../routeSchemas.js';
import { CLOCK_MAX_MS, type Clock } from '../../clock.js';
import { DATE_TIME_OFFSET_HINT, parseDateTimeOffset } from '../../domain/dateTime.js';
import { saveClockAnchors, workInFlight } from '../../store/settingsRepo.js';
import type { Store } from '../../store/db.js';

export const ClockState = Type.Object({ mode: Type.String(), factor: Type.Number(), now: Type.String(), offsetMs: Type.Number() });
const MAX_ISO = new Date(CLOCK_MAX_MS).toISOString();

/** ISO-8601 duration (PnWnDTnHnMnS) or a number of milliseconds; `field` names the property in errors. */
export function parseDuration(v: string | number, field = 'by'): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw Errors.invalidProperty(field, 'must be a non-negative number of milliseconds or an ISO-8601 duration.');
    return v;
  }
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (!m || v.toUpperCase() === 'P' || v.toUpperCase().endsWith('T')) throw Errors.invalidProperty(field, `'${v}' is not an ISO-8601 duration like P1D or PT2H30M.`);
  const [, w, d, h, mi, s] = m.map((x) => (x ? Number(x) : 0)) as number[];
  const ms = ((((w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60 + s!) * 1000;
  if (!Number.isFinite(ms)) throw Errors.invalidProperty(field, `'${v}' is too long.`);
  return ms;
}

function parseInstant(v: string, field: string): number {
  const ms = parseDateTimeOffset(v);
  if (ms === undefined) throw Errors.invalidProperty(field, `'${v}' ${DATE_TIME_OFFSET_HINT}.`);
  return ms;
}

/** Commits the clock's anchors; the in-memory clock has already moved (one process owns it). */
export async function persistClock(store: Store, clock: Clock): Promise<void> {
  await saveClockAnchors(store.db, clock.anchors());
}

export function adminClockRoutes(app: GraphApp, deps: AppDeps): void {
  const { clock, store } = deps;
  const change = async (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof RangeError) throw Errors.badRequest(e.message);
      throw e;
    }
    await persistClock(store, clock);
    return clock.state();
  };

  app.get('/xtm/admin/clock', { schema: { querystring: NoQuery, response: { 200: ClockState } } }, async () => clock.state());

  app.post('/xtm/admin/clock/advance', {
    schema: {
      body: Type.Object({ by: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number({ minimum: 0 })])), to: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: ClockState },
    },
  }, async (req) => {
    const body = req.body ?? {};
    if ((body.by === undefined) === (body.to === undefined)) throw Errors.badRequest("Give exactly one of 'by' (ISO-8601 duration or milliseconds) or 'to' (DateTimeOffset).");
    const by = body.by !== undefined ? parseDuration(body.by) : undefined;
    const to = body.to !== undefined ? parseInstant(body.to, 'to') : undefined;
    if (to !== undefined && to > CLOCK_MAX_MS) throw Errors.invalidProperty('to', `the clock can't go past ${MAX_ISO}.`);
    return change(() => (by !== undefined ? clock.advance(by) : clock.setTo(to!)));
  });

  app.post('/xtm/admin/clock/speed', {
    schema: { body: Type.Object({ factor: Type.Number({ minimum: 0, maximum: 1e6 }) }, { additionalProperties: false }), response: { 200: ClockState } },
  }, async (req) => change(() => clock.setFactor(req.body.factor)));

  // Rehearsals: start again from real time (or from `to`, earlier or later), at `factor` (default: as now).
  // Refused while any work item is in flight, so no scheduled step sees time run backwards.
  app.post('/xtm/admin/clock/reset', {
    schema: {
      body: Type.Optional(Type.Object({ to: Type.Optional(Type.String({ maxLength: 64 })), factor: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })) }, { additionalProperties: false })),
      response: { 200: ClockState },
    },
  }, async (req) => {
    const body = req.body ?? {};
    const to = body.to !== undefined ? parseInstant(body.to, 'to') : Date.now();
    const pending = await workInFlight(store.db, store.dialect);
    if (pending > 0) throw Errors.adminConflict(`The clock can't be reset while work is in flight (${pending} work item${pending === 1 ? '' : 's'} pending or running); wait for it or cancel the jobs first.`);
    return change(() => clock.resetTo(to, body.factor ?? clock.state().factor));
  });

  app.post('/xtm/admin/work/drain', { schema: { querystring: NoQuery, response: { 200: Type.Object({ drained: Type.Literal(true) }) } } }, async () => {
    await deps.queue.drain();
    return { drained: true as const };
  });
}
