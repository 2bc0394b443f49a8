import { openStore } from './src/store/db.js';
import { Clock } from './src/clock.js';
import { loadScenario } from './src/tenants/scenario/index.js';
import { runValidation } from './src/engine/validation/runValidation.js';
import { job as makeJob } from './test/validation/fixture.js';
const store = await openStore(':memory:');
const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
const rep = await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
console.log(rep.users, rep.faults.length);
const ids = (await store.db.selectFrom('users').select(['id','user_principal_name']).where('tenant_id','=','22222222-2222-4222-8222-222222222222').execute());
const targets = [...ids.filter(u => !u.user_principal_name.startsWith('admin') && !u.user_principal_name.startsWith('plain') && !u.user_principal_name.startsWith('migration.')).map(u=>u.id), 'f2000000-0000-4000-8000-000000000023'];
const job = { ...makeJob([]), tenantId: '22222222-2222-4222-8222-222222222222', sourceTenantId: '11111111-1111-4111-8111-111111111111', exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' }, resources: targets };
const out = await runValidation(store, job, targets, { nowMs: clock.nowMs(), mode: 'all' });
const upn = new Map(ids.map(u => [u.id, u.user_principal_name]));
let valid = 0;
for (const [id, st] of out) {
  if (st.every(s => s.status === 'valid')) { valid++; continue; }
  console.log(upn.get(id) ?? id);
  for (const s of st) for (const e of s.errors) console.log('   ', s.service, e.code, e.message.slice(0, 150));
}
console.log('valid', valid, 'of', out.size);
