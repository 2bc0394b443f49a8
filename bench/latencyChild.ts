// Child process for bench/latency.ts: an xtm server (worker thread on, the real validation rules) over
// demo.yaml scaled to `users` migration users. Prints {url, token, targetIds}.
import pino from 'pino';
import { createServer } from '../src/server.js';
import { Clock } from '../src/clock.js';
import { loadScenario } from '../src/tenants/scenario/index.js';
import { scenarioText } from './validate.js';

const [dir, usersArg, dbArg] = process.argv.slice(2);
const TGT = '22222222-2222-4222-8222-222222222222';
const APP = '33333333-3333-4333-8333-333333333333';
const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
const server = await createServer({ db: dbArg || `${dir}/xtm.db`, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
await loadScenario(server.deps.store, clock, { text: scenarioText(Number(usersArg ?? 2000)), name: 'demo-2000.yaml' });
const mapped = await server.deps.store.db.selectFrom('identity_mappings').select('target_user_id').where('target_tenant_id', '=', TGT).execute();
const targetIds = [...new Set(mapped.map((m) => m.target_user_id!).filter(Boolean))].slice(0, 2000);
const { http } = await server.listen();
const token = await server.authority.appToken(TGT, APP, http);
console.log(JSON.stringify({ url: http, token, targetIds, placement: server.queue.placement }));
