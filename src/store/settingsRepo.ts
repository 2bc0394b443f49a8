// xtm_settings: small named values the process keeps across restarts (the clock's anchors, a scenario's throttle budget).
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { ClockAnchors } from '../clock.js';
import { workRepo } from './workRepo.js';

type Db = Kysely<Database> | Transaction<Database>;

const CLOCK_KEY = 'clock';
/** Written by earlier versions: virtual minus real time, in ms. */
const LEGACY_OFFSET_KEY = 'clock.offsetMs';

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('xtm_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('xtm_settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Stores `value` unless the key already has one (the first of racing writers wins). */
export async function insertSettingIfAbsent(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('xtm_settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
}

const THROTTLE_BUDGET_KEY = 'throttling.budget';

/** A scenario's request budget per app and tenant (graph/throttle), kept until a scenario load replaces it. */
export interface StoredThrottleBudget { requests: number; windowSeconds: number }

export async function readThrottleBudget(db: Db): Promise<StoredThrottleBudget | undefined> {
  const raw = await getSetting(db, THROTTLE_BUDGET_KEY);
  if (!raw) return undefined;
  const b = JSON.parse(raw) as Partial<StoredThrottleBudget>;
  return Number.isInteger(b.requests) && Number.isInteger(b.windowSeconds) ? { requests: b.requests!, windowSeconds: b.windowSeconds! } : undefined;
}

/** Stores the budget, or removes it (undefined: the scenario sets none, so the server's default applies). */
export async function saveThrottleBudget(db: Db, budget: StoredThrottleBudget | undefined): Promise<void> {
  if (budget) await putSetting(db, THROTTLE_BUDGET_KEY, JSON.stringify({ requests: budget.requests, windowSeconds: budget.windowSeconds }));
  else await db.deleteFrom('xtm_settings').where('key', '=', THROTTLE_BUDGET_KEY).execute();
}

/** The persisted clock, or undefined on a new store. Any process (API, worker) reads the same time from it. */
export async function readClockAnchors(db: Db): Promise<ClockAnchors | undefined> {
  const raw = await getSetting(db, CLOCK_KEY);
  if (raw) {
    const a = JSON.parse(raw) as Partial<ClockAnchors>;
    if ([a.factor, a.anchorRealMs, a.anchorVirtualMs].every((n) => typeof n === 'number' && Number.isFinite(n))) return a as ClockAnchors;
  }
  const legacy = Number(await getSetting(db, LEGACY_OFFSET_KEY));
  if (Number.isFinite(legacy) && legacy > 0) {
    const now = Date.now();
    return { factor: 1, anchorRealMs: now, anchorVirtualMs: now + legacy };
  }
  return undefined;
}

export async function saveClockAnchors(db: Db, a: ClockAnchors): Promise<void> {
  await putSetting(db, CLOCK_KEY, JSON.stringify({ factor: a.factor, anchorRealMs: a.anchorRealMs, anchorVirtualMs: a.anchorVirtualMs }));
}

/** Work items not finished (due, scheduled or running): a rehearsal clock reset waits for none. */
export async function workInFlight(db: Db, dialect: 'sqlite' | 'postgres' = 'sqlite'): Promise<number> {
  const r = await db.selectFrom('work_items').select((eb) => eb.fn.countAll().as('n')).where('failed_at', 'is', null).executeTakeFirstOrThrow();
  // Scheduled work waits in work_timers (clock time) until it is due.
  const t = await db.selectFrom('work_timers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  // On PostgreSQL, due work is handed to graphile-worker (no schema yet: nothing queued).
  const g = dialect === 'postgres' ? await workRepo.graphileState(db).catch(() => ({ due: 0, locked: 0 })) : { due: 0, locked: 0 };
  return Number(r.n) + Number(t.n) + g.due + g.locked;
}
