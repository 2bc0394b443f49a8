// xtm's own control plane for time (not part of Graph): read the clock, advance it, change its speed.
// A GET never changes anything; POST /xtm/admin/clock/advance moves virtual time and wakes the runner.
import { Type } from 'typebox';
import type { GraphApp } from './app.js';
import type { AppDeps } from './deps.js';
import { Errors } from './errors.js';

const ClockState = Type.Object({ mode: Type.String(), factor: Type.Number(), now: Type.String(), offsetMs: Type.Number() });

/** ISO-8601 duration (PnDTnHnMnS) or a number of milliseconds. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (!m || v.toUpperCase() === 'P' || v.toUpperCase().endsWith('T')) throw Errors.invalidProperty('by', `'${v}' is not an ISO-8601 duration like P1D or PT2H30M.`);
  const [, w, d, h, mi, s] = m.map((x) => (x ? Number(x) : 0)) as number[];
  return ((((w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60 + s!) * 1000;
}

export function adminClockRoutes(app: GraphApp, deps: AppDeps): void {
  const { clock } = deps;
  app.get('/xtm/admin/clock', { schema: { response: { 200: ClockState } } }, async () => clock.state());

  app.post('/xtm/admin/clock/advance', {
    schema: {
      body: Type.Object({ by: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number({ minimum: 0 })])), to: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
      response: { 200: ClockState },
    },
  }, async (req) => {
    const body = req.body ?? {};
    if ((body.by === undefined) === (body.to === undefined)) throw Errors.badRequest("Give exactly one of 'by' (ISO-8601 duration or milliseconds) or 'to' (DateTimeOffset).");
    try {
      if (body.by !== undefined) clock.advance(parseDuration(body.by));
      else clock.setTo(Date.parse(body.to!));
    } catch (e) {
      if (e instanceof RangeError) throw Errors.badRequest(e.message);
      throw e;
    }
    // Persist the offset so a restart does not move virtual time backwards.
    const value = String(clock.state().offsetMs);
    await deps.store.db.insertInto('xtm_settings').values({ key: 'clock.offsetMs', value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    return clock.state();
  });

  app.post('/xtm/admin/clock/speed', {
    schema: { body: Type.Object({ factor: Type.Number({ minimum: 0, maximum: 1e6 }) }, { additionalProperties: false }), response: { 200: ClockState } },
  }, async (req) => {
    clock.setFactor(req.body.factor);
    return clock.state();
  });

  app.post('/xtm/admin/work/drain', async () => {
    await deps.queue.drain();
    return { drained: true };
  });
}
