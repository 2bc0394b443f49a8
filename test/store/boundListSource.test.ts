// boundListSource compiles a page once per query shape and re-binds it: it must return exactly what
// the ordinary list source returns, for every tenant (no value baked into the shared statement), with
// null keyset values, offsets and both directions, on both backends.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { openStore, type Store } from '../../src/store/db.js';
import { boundListSource, listSource, type ListOrder, type ListQuery, type ListSource } from '../../src/store/listQuery.js';
import { withPostgres } from '../pg.js';

type Row = { id: string; tenant: string; name: string | null; n: number };

async function fill(store: Store) {
  const db = store.db as unknown as Kysely<any>;
  await sql`create table bound_list_t (id text primary key, tenant text not null, name text, n integer not null)`.execute(db);
  const rows: Row[] = [];
  for (const tenant of ['a', 'b']) {
    for (let i = 0; i < 37; i++) rows.push({ id: `${tenant}-${String(i).padStart(3, '0')}`, tenant, name: i % 5 === 0 ? null : `Name ${i % 7}`, n: (i * 13) % 11 });
  }
  await db.insertInto('bound_list_t').values(rows).execute();
  return db;
}

const sources = (db: Kysely<any>, tenant: string): { bound: ListSource<Row>; plain: ListSource<Row> } => ({
  bound: boundListSource<Row>(db, 'bound_list_t', [tenant], (_q, [t]) => db.selectFrom('bound_list_t').selectAll().where('tenant', '=', t as string) as any, () => db.selectFrom('bound_list_t').where('tenant', '=', tenant)),
  plain: listSource<Row>(() => db.selectFrom('bound_list_t').selectAll().where('tenant', '=', tenant) as any, () => db.selectFrom('bound_list_t').where('tenant', '=', tenant), db),
});

const orders: ListOrder[][] = [
  [{ column: 'id', direction: 'asc' }],
  [{ column: 'name', direction: 'asc' }, { column: 'id', direction: 'asc' }],
  [{ column: 'name', direction: 'desc', caseInsensitive: true }, { column: 'id', direction: 'desc' }],
  [{ column: 'n', direction: 'desc' }, { column: 'name', direction: 'asc' }, { column: 'id', direction: 'asc' }],
];

async function check(db: Kysely<any>) {
  for (const orderBy of orders) {
    // Walk every page by keyset, alternating tenants so the cached shape serves both.
    for (const tenant of ['a', 'b', 'a']) {
      const { bound, plain } = sources(db, tenant);
      let after: ListQuery['after'];
      const seen: string[] = [];
      for (let guard = 0; guard < 20; guard++) {
        const q: ListQuery = { orderBy, after, top: 5, skip: 0 };
        const got = await bound.page(q);
        assert.deepEqual(got, await plain.page(q), `${tenant} ${JSON.stringify(orderBy)} after ${JSON.stringify(after)}`);
        assert.ok(got.every((r) => r.tenant === tenant), 'only the caller\'s rows');
        const page = got.slice(0, 5);
        seen.push(...page.map((r) => r.id));
        if (got.length <= 5) break;
        const last = page[page.length - 1]!;
        after = orderBy.map((o) => (last as Record<string, unknown>)[o.column] as string | number | null);
      }
      assert.equal(new Set(seen).size, 37, 'every row once');
    }
    for (const skip of [0, 3, 40]) {
      const { bound, plain } = sources(db, 'b');
      const q: ListQuery = { orderBy, top: 4, skip };
      assert.deepEqual(await bound.page(q), await plain.page(q));
    }
  }
  // A filter takes the ordinary path; the count is the ordinary count.
  const { bound, plain } = sources(db, 'a');
  const filtered: ListQuery = { orderBy: orders[0]!, top: 50, skip: 0, filter: { type: 'compare', op: 'eq', column: 'n', lower: false, value: 3 } };
  assert.deepEqual(await bound.page(filtered), await plain.page(filtered));
  assert.equal(await bound.count(), 37);
}

it('boundListSource pages exactly like listSource, per tenant, on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bound-'));
  const store = await openStore(join(dir, 'x.db'));
  try {
    await check(await fill(store));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('boundListSource pages exactly like listSource, per tenant, on PostgreSQL', async (t) => {
  await withPostgres(t, 'boundlist', async (store) => check(await fill(store)));
});

it('a base that binds a value of its own is never cached with that value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bound-'));
  const store = await openStore(join(dir, 'x.db'));
  try {
    const db = await fill(store);
    // Wrong use: the tenant comes from the closure, not from `bound`. The shape must not be reused.
    const leaky = (tenant: string) => boundListSource<Row>(db, 'bound_list_leaky', [], () => db.selectFrom('bound_list_t').selectAll().where('tenant', '=', tenant) as any, () => db.selectFrom('bound_list_t'));
    const q: ListQuery = { orderBy: orders[0]!, top: 100, skip: 0 };
    for (const tenant of ['a', 'b']) {
      const rows = await leaky(tenant).page(q);
      assert.equal(rows.length, 37);
      assert.ok(rows.every((r) => r.tenant === tenant));
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
