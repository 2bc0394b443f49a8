// The change log's read side and the bulk-load switch. Rows are written by triggers (0004_changes);
// incremental passes read them from a cursor (afterSeq) and store the returned lastSeq with their chunk.
import type Database from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import { RESET, type ChangeKind, type ChangeOp } from './changeKinds.js';
import type { Database as Schema } from './schema.js';

export { CHANGE_KINDS, RESET, type ChangeKind, type ChangeOp } from './changeKinds.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface ChangeQuery {
  tenantId: string;
  /** A mailbox's user id, a drive's site id, a chat id, a meeting organiser's id; omitted = the whole tenant. */
  ownerId?: string;
  kinds: readonly ChangeKind[];
  afterSeq: number;
  /** Log rows scanned at most (the page may hold fewer entries: one per item). */
  limit: number;
}

export interface Change {
  seq: number;
  kind: ChangeKind | typeof RESET;
  ownerId: string;
  itemId: string;
  /** `reset`: the tenant was bulk-(re)loaded or deleted: rescan it instead of applying changes. */
  op: ChangeOp;
}

export interface ChangePage {
  /** One entry per item (its latest op), in sequence order; nothing before a reset. */
  changes: Change[];
  /** The cursor to store with the work this page led to. */
  lastSeq: number;
  /** More log rows after lastSeq may match. */
  more: boolean;
}

/** The highest committed sequence number (0 on an empty log). */
export async function currentSeq(db: Db): Promise<number> {
  const r = await db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(r?.seq ?? 0);
}

export async function changesSince(db: Db, q: ChangeQuery): Promise<ChangePage> {
  const head = await currentSeq(db);
  if (head <= q.afterSeq || q.kinds.length === 0) return { changes: [], lastSeq: Math.max(q.afterSeq, head), more: false };
  const kinds = [...q.kinds, RESET];
  const page = (owner?: string) => {
    const query = db.selectFrom('changes').select(['seq', 'kind', 'owner_id', 'item_id', 'op'])
      .where('tenant_id', '=', q.tenantId).where('seq', '>', q.afterSeq).where('seq', '<=', head).where('kind', 'in', kinds);
    return (owner === undefined ? query : query.where('owner_id', '=', owner)).orderBy('seq').limit(q.limit);
  };
  // An owner's page and the tenant-wide page (owner '': resets, owner-less items) are read apart and merged by
  // seq: one equality per owner seeks changes_owner on (tenant, owner, seq) whatever the planner's statistics
  // say, where `owner_id IN (…)` let PostgreSQL seek the tenant alone (anyChangeSince below, measured).
  const rows = q.ownerId === undefined || q.ownerId === ''
    ? await page(q.ownerId).execute()
    : await db.selectFrom(page(q.ownerId).as('o')).selectAll()
      .unionAll(db.selectFrom(page('').as('t')).selectAll())
      .orderBy('seq').limit(q.limit).execute();
  const more = rows.length === q.limit;
  return { changes: coalesce(rows), lastSeq: more ? Number(rows.at(-1)!.seq) : head, more };
}

/**
 * Whether the log holds an entry of `kinds` for the owner, or a reset of its tenant, after `afterSeq`: an
 * index seek (changes_owner), so a pass can tell "nothing happened" without comparing what it owns.
 */
export async function anyChangeSince(db: Db, q: { tenantId: string; ownerId: string; kinds: readonly ChangeKind[]; afterSeq: number }): Promise<boolean> {
  // One equality per owner, so the owner index is sought on (tenant, owner) whatever the statistics say; `seq + 0`
  // so the seq index is never walked from afterSeq. Seen on PostgreSQL in a 2,000-user cutover (15–75 ms a call):
  // with `owner_id IN (…)` and statistics taken before the cutover's deletes, it sought the tenant alone and read
  // all of its entries; with statistics ending before afterSeq it walked every change since.
  const since = (owner: string, kinds: readonly string[]) => db.selectFrom('changes').select('seq')
    .where('tenant_id', '=', q.tenantId).where('owner_id', '=', owner).where(sql<number>`${sql.ref('seq')} + 0`, '>', q.afterSeq).where('kind', 'in', [...kinds]);
  const r = await db.selectNoFrom((eb) => eb.or([eb.exists(since(q.ownerId, [...q.kinds, RESET])), eb.exists(since('', [RESET]))]).as('any')).executeTakeFirstOrThrow();
  return Boolean(Number(r.any));
}

/**
 * Latest op per item. An item that is re-added after an earlier entry in the page (a replace = delete +
 * insert) is a `change`; one first added in this page stays an `add`; a delete always stays a tombstone.
 */
function coalesce(rows: { seq: number; kind: string; owner_id: string; item_id: string; op: string }[]): Change[] {
  const lastReset = rows.findLastIndex((r) => r.op === RESET);
  const byItem = new Map<string, Change>();
  for (const r of rows.slice(Math.max(0, lastReset))) {
    const key = `${r.kind}\u0000${r.owner_id}\u0000${r.item_id}`;
    const prev = byItem.get(key);
    let op = r.op as ChangeOp;
    if (prev && op === 'add') op = prev.op === 'add' ? 'add' : 'change';
    else if (prev && op === 'change' && prev.op === 'add') op = 'add';
    byItem.delete(key); // re-insert so Map order follows the latest seq
    byItem.set(key, { seq: Number(r.seq), kind: r.kind as Change['kind'], ownerId: r.owner_id, itemId: r.item_id, op });
  }
  return [...byItem.values()];
}

const BULK = 'bulk';

/**
 * Bulk writes (scenario load, tenant delete) run inside their own transaction with the triggers off,
 * then leave one reset mark per tenant: a cursor older than the load can only mean "rescan".
 * The suspension row is inserted and deleted in that transaction, so no other writer ever sees it.
 */
export async function withoutChangeTracking<T>(trx: Transaction<Schema>, tenantIds: readonly string[], fn: () => Promise<T>): Promise<T> {
  await trx.insertInto('change_suspensions').values({ id: BULK }).execute();
  const result = await fn();
  await trx.deleteFrom('change_suspensions').where('id', '=', BULK).execute();
  await recordResets(trx, tenantIds);
  return result;
}

/** The same for the synchronous SQLite bulk path; call inside the better-sqlite3 transaction. */
export function withoutChangeTrackingSqlite<T>(sqlite: Database.Database, tenantIds: readonly string[], fn: () => T): T {
  sqlite.prepare('INSERT INTO change_suspensions (id) VALUES (?)').run(BULK);
  const result = fn();
  sqlite.prepare('DELETE FROM change_suspensions WHERE id = ?').run(BULK);
  const mark = sqlite.prepare(`INSERT INTO changes (tenant_id, kind, owner_id, item_id, op) VALUES (?, '${RESET}', '', '', '${RESET}')`);
  for (const t of tenantIds) mark.run(t);
  return result;
}

async function recordResets(db: Db, tenantIds: readonly string[]): Promise<void> {
  if (!tenantIds.length) return;
  await db.insertInto('changes').values(tenantIds.map((t) => ({ tenant_id: t, kind: RESET, owner_id: '', item_id: '', op: RESET }))).execute();
}
