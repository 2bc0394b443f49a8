// The unit of work the layers above store/ see: a transaction handle they hand to repository functions.
// Only store/ knows it is a Kysely transaction; nothing outside store/ imports kysely, even for types.
import { Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';

/** A transaction handle: passed to repositories, never used to build queries outside store/. */
export type Tx = Transaction<Database>;

const committed = new WeakMap<Tx, (() => void)[]>();
const scopes = new WeakMap<Store, Tx>();

/** Runs `fn` in one transaction: everything it writes through `tx` commits together, or nothing does. */
export async function inTransaction<T>(store: Store, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const open = scopes.get(store);
  if (open) return inSavepoint(open, fn);
  let after: (() => void)[] = [];
  const result = await store.db.transaction().execute((tx) => {
    after = [];
    committed.set(tx, after);
    return fn(tx);
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
  return scoped;
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
