// Rehearsals (xtm's control plane, like moto's /moto-api/reset): put the store back to the scenario as
// loaded, and save / restore / list / delete named snapshots of the whole store while the server runs.
// After either, the clock follows the store: a reset starts again from real time (as a first start
// does), a restore continues from the time the snapshot was taken. Work a runner had already claimed
// when the store changed under it is lost with the state it belonged to (docs/decisions.md).
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { ClockState, persistClock } from './clock.js';
import { NoContent, NoQuery, PathParams } from '../routeSchemas.js';
import { ADMIN, param } from './common.js';
import { Clock } from '../../clock.js';
import { loadScenarioFile } from '../../tenants/scenario/index.js';
import { reloadThrottleBudget } from '../throttle/throttle.js';
import { readClockAnchors } from '../../store/settingsRepo.js';
import { clearStore, deleteSnapshot, listSnapshots, restoreSnapshot, saveSnapshot, SNAPSHOT_NAME, SnapshotError } from '../../store/snapshots.js';

const S = `${ADMIN}/snapshots`;

const Seconds = Type.Number({ description: 'How long the operation took.' });
const Snapshot = Type.Object({ name: Type.String(), bytes: Type.Union([Type.Integer(), Type.Null()]), createdDateTime: Type.String({ format: 'date-time' }) });
const Reset = Type.Object({ scenario: Type.String(), users: Type.Integer(), seconds: Seconds, clock: ClockState });
const Restored = Type.Object({ name: Type.String(), seconds: Seconds, clock: ClockState });
const NameParams = PathParams('name');

export function adminRehearsalRoutes(app: GraphApp, deps: AppDeps): void {
  const { store, clock } = deps;
  const nameOf = (name: string) => {
    if (!SNAPSHOT_NAME.test(name)) throw Errors.badRequest(`'${name}' is not a snapshot name: 1–63 letters, digits, '-' or '_', starting with a letter or digit.`, 'name');
    return name;
  };
  const snapshotError = (e: unknown): never => {
    if (e instanceof SnapshotError) throw e.kind === 'notFound' ? Errors.adminObjectNotFound('Snapshot', e.message.replace(/^no snapshot '(.*)'$/, '$1'), 'this store') : Errors.badRequest(e.message);
    throw e;
  };
  // One rehearsal operation at a time: a reset and a restore must not interleave.
  let busy: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = busy.then(f, f);
    busy = run.catch(() => undefined);
    return run;
  };

  app.post(`${ADMIN}/reset`, { schema: { querystring: NoQuery, response: { 200: Reset } } }, async () => serial(async () => {
    const scenario = deps.config.scenario;
    if (!scenario) throw Errors.adminConflict('This server was started without a scenario (--scenario none), so there is nothing to reset to. Restore a snapshot instead (POST /xtm/admin/snapshots/{name}/restore).');
    const started = performance.now();
    await clearStore(store);
    clock.resetTo(Date.now(), clock.state().factor);
    await persistClock(store, clock);
    const report = await loadScenarioFile(store, clock, scenario);
    await reloadThrottleBudget(deps);
    return { scenario: report.name, users: report.users, seconds: +((performance.now() - started) / 1000).toFixed(3), clock: clock.state() };
  }));

  app.get(S, { schema: { querystring: NoQuery, response: { 200: Type.Object({ value: Type.Array(Snapshot) }) } } }, async () => {
    try {
      return { value: await listSnapshots(store) };
    } catch (e) {
      return snapshotError(e);
    }
  });

  app.post(S, { schema: { body: Type.Object({ name: Type.String({ maxLength: 64 }) }, { additionalProperties: false }), response: { 201: Type.Object({ ...Snapshot.properties, seconds: Seconds }) } } }, async (req, reply) => serial(async () => {
    const name = nameOf(req.body.name);
    const started = performance.now();
    try {
      const info = await saveSnapshot(store, name);
      return reply.code(201).send({ ...info, seconds: +((performance.now() - started) / 1000).toFixed(3) });
    } catch (e) {
      return snapshotError(e);
    }
  }));

  app.post(`${S}/:name/restore`, { schema: { params: NameParams, response: { 200: Restored } } }, async (req) => serial(async () => {
    const name = nameOf(param(req, 'name'));
    const started = performance.now();
    try {
      await restoreSnapshot(store, name);
    } catch (e) {
      return snapshotError(e);
    }
    // The clock continues from the snapshot's time; the runner follows (its 'advance' event).
    const anchors = await readClockAnchors(store.db);
    if (anchors) clock.resetTo(Clock.continuation(anchors), anchors.factor);
    await persistClock(store, clock);
    await reloadThrottleBudget(deps);
    return { name, seconds: +((performance.now() - started) / 1000).toFixed(3), clock: clock.state() };
  }));

  app.delete(`${S}/:name`, { schema: { params: NameParams, response: { 204: NoContent } } }, async (req, reply) => serial(async () => {
    try {
      await deleteSnapshot(store, nameOf(param(req, 'name')));
    } catch (e) {
      return snapshotError(e);
    }
    return reply.code(204).send();
  }));
}
