// Shared fixtures for the tenant model tests: an in-memory store, a frozen clock, whole-store snapshots.
import { Clock } from '../../src/clock.js';
import type { Store } from '../../src/store/db.js';
import { openTestStore } from '../pg.js';
import { TENANT_TABLES } from '../../src/store/tenantSink.js';
import type { TenantChange } from '../../src/tenants/writers.js';

export const CONTOSO = '11111111-1111-4111-8111-111111111111';
export const FABRIKAM = '22222222-2222-4222-8222-222222222222';

export const frozenClock = (): Clock => new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });

export async function memoryStore(): Promise<Store> {
  return openTestStore();
}

/** Every row of every tenant table, ordered: equal snapshots mean an unchanged store. */
export async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table] of TENANT_TABLES) {
    const rows = await store.db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

export async function rowCounts(store: Store): Promise<Record<string, number>> {
  const snap = await snapshot(store);
  return Object.fromEntries(Object.entries(snap).map(([t, rows]) => [t, rows.length]));
}

export const contosoTenant = (): NonNullable<TenantChange['tenant']> => ({
  id: CONTOSO, displayName: 'Contoso', initialDomain: 'contoso.onmicrosoft.com', defaultDomain: 'contoso.com', domains: ['contoso.com'],
});

export const fabrikamTenant = (): NonNullable<TenantChange['tenant']> => ({
  id: FABRIKAM, displayName: 'Fabrikam', initialDomain: 'fabrikam.onmicrosoft.com', defaultDomain: 'fabrikam.com',
  domains: ['fabrikam.com', { name: 'fabrikam.net', isVerified: false }],
});
