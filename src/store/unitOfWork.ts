// The unit of work the layers above store/ see: a transaction handle they hand to repository functions.
// Only store/ knows it is a Kysely transaction; nothing outside store/ imports kysely, even for types.
import { Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';

/** A transaction handle: passed to repositories, never used to build queries outside store/. */
export type Tx = Transaction<Database>;

const committed = new WeakMap<Tx, (() => void)[]>();

/** Runs `fn` in one transaction: everything it writes through `tx` commits together, or nothing does. */
export async function inTransaction<T>(store: Store, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let after: (() => void)[] = [];
  const result = await store.db.transaction().execute((tx) => {
    after = [];
    committed.set(tx, after);
    return fn(tx);
  });
  for (const f of after) f();
  return result;
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
