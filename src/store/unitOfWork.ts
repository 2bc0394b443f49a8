// The unit of work the layers above store/ see: a transaction handle they hand to repository functions.
// Only store/ knows it is a Kysely transaction; nothing outside store/ imports kysely, even for types.
import { Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';

/** A transaction handle: passed to repositories, never used to build queries outside store/. */
export type Tx = Transaction<Database>;

const committed = new WeakMap<Tx, (() => void)[]>();
const scopes = new WeakMap<Store, Tx>();
/** Group transactions (storeInTransaction) and the work their items left for the end of the group. */
const groups = new WeakMap<Tx, Map<string, { state: unknown; run: (tx: Tx, state: any) => Promise<void> }>>();

/** Runs `fn` in one transaction: everything it writes through `tx` commits together, or nothing does. */
export async function inTransaction<T>(store: Store, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const open = scopes.get(store);
  if (open) return inSavepoint(open, fn);
  let after: (() => void)[] = [];
  const result = await store.db.transaction().execute(async (tx) => {
    after = [];
    committed.set(tx, after);
    const r = await fn(tx);
    await runGroupEnd(tx);
    return r;
  });
  for (const f of after) f();
  return result;
}

/**
 * The store as seen from inside the open transaction `tx`: every statement made through it runs in `tx`,
 * and inTransaction on it is a savepoint (all or nothing on its own, committed only with `tx`). The
 * embedded runner's group commit runs many work items this way, one commit for all of them.
 */
export function storeInTransaction(store: Store, tx: Tx): Store {
  const scoped = Object.create(store, { db: { value: tx, enumerable: true } }) as Store;
  scopes.set(scoped, tx);
  if (!groups.has(tx)) groups.set(tx, new Map());
  return scoped;
}

/**
 * Work that every item of a group asks for but that reads the state it acts on (publish a user's status,
 * see whether the job is done) is done once for the whole group, just before it commits, in its transaction:
 * answers the state to add to for `key` (made by `init` the first time), or undefined outside a group, where
 * the caller does the work at once. What `run` does commits with the group or not at all.
 */
export function atGroupEnd<S>(tx: Tx, key: string, init: () => S, run: (tx: Tx, state: S) => Promise<void>): S | undefined {
  const pending = groups.get(tx);
  if (!pending) return undefined;
  let entry = pending.get(key);
  if (!entry) pending.set(key, (entry = { state: init(), run }));
  return entry.state as S;
}

/** In registration order; work that registers more (a publish that finishes the job) runs in the same pass. */
async function runGroupEnd(tx: Tx): Promise<void> {
  const pending = groups.get(tx);
  if (!pending) return;
  while (pending.size) {
    const [key, entry] = pending.entries().next().value!;
    pending.delete(key);
    await entry.run(tx, entry.state);
  }
}

/**
 * One name for every savepoint: ROLLBACK TO and RELEASE act on the innermost savepoint of that name (SQLite
 * and PostgreSQL alike), and the same three statements stay prepared (store/sqliteHandle.ts caches by text).
 */
const STEP = sql.raw('xtm_step');

async function inSavepoint<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks = committed.get(tx);
  const mark = hooks?.length ?? 0;
  await sql`savepoint ${STEP}`.execute(tx);
  try {
    const result = await fn(tx);
    await sql`release savepoint ${STEP}`.execute(tx);
    return result;
  } catch (err) {
    if (hooks) hooks.length = mark; // what ran after-commit hooks asked for is undone with it
    await sql`rollback to savepoint ${STEP}`.execute(tx);
    await sql`release savepoint ${STEP}`.execute(tx);
    throw err;
  }
}

/** Runs `f` once the transaction has committed (never if it rolls back); at once for a handle outside inTransaction. */
export function afterCommit(tx: Tx, f: () => void): void {
  const list = committed.get(tx);
  if (list) list.push(f);
  else f();
}

/** What a repository reads or writes through: the store itself (each statement on its own) or a transaction. */
export type Handle = Store | Tx;

/** The query builder behind a handle; store/ only. A bare Kysely (store.db) is still accepted from older callers. */
export function builder(h: Handle | Kysely<Database>): Kysely<Database> {
  return h instanceof Kysely ? h : h.db;
}
