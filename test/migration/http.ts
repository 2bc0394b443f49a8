// Shared by the migration end-to-end tests: a server on the demo scenario and its ids and tokens, admin
// calls that must succeed, and a clock advance that drains the work its timers release.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startServer, type TestServer } from '../helpers.js';

/** demo.yaml's source (Contoso) and target (Fabrikam) tenants. */
export const SRC = '11111111-1111-4111-8111-111111111111';
export const TGT = '22222222-2222-4222-8222-222222222222';
export const JOBS = '/beta/solutions/migrations/crossTenantMigrationJobs';

/** demo.yaml's named pair n: source user c1…0n in Contoso, its target user f2…0n in Fabrikam. */
export const demoPair = (n: number) => ({ src: `c1000000-0000-4000-8000-00000000000${n}`, tgt: `f2000000-0000-4000-8000-00000000000${n}` });

/** A server on demo.yaml (nothing else seeded) with the real validation rules. */
export const startDemoServer = () => startServer({ scenario: 'scenarios/demo.yaml' }, { seed: async () => {}, validate: 'rules' });

/**
 * A demo server for the enclosing describe: started (with an app token of that tenant) before its tests and
 * stopped after them. Read `demo.s` and `demo.tok` inside the tests, once `before` has run.
 */
export function useDemoServer(tenant: 'target' | 'source' = 'source'): { readonly s: TestServer; readonly tok: string } {
  const demo = {} as { s: TestServer; tok: string };
  before(async () => {
    demo.s = await startDemoServer();
    demo.tok = await demoToken(demo.s, tenant);
  });
  after(() => demo.s?.stop());
  return demo;
}

/** The migration app's token in the target tenant, or the migration tools app's in the source tenant. */
export const demoToken = (s: TestServer, tenant: 'target' | 'source') =>
  tenant === 'target' ? s.token(TGT, '33333333-3333-4333-8333-333333333333', 'xtm-demo-secret') : s.token(SRC, '44444444-4444-4444-8444-444444444444', 'xtm-demo-secret');

export async function adminOk(s: TestServer, method: string, path: string, body?: unknown) {
  const res = await s.api(method, `/xtm/admin/${path}`, { token: null, body });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

export async function advanceAndDrain(s: TestServer, by: string) {
  await adminOk(s, 'POST', 'clock/advance', { by });
  // Timers due at the new time become work as the clock moves; drain again in case they landed after the first drain looked.
  await s.queue.drain();
  await new Promise((r) => setTimeout(r, 50));
  await s.queue.drain();
}
