// Child process for bench/http.ts: serves either xtm (10,000 stored jobs and one 2,000-user job, on the
// SQLite file or PostgreSQL database given) or a bare node:http server answering with pre-recorded
// responses (the same status, headers and bytes). Prints one JSON line with what the parent needs.
import { createServer as createHttp } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import pino from 'pino';
import { createServer } from '../src/server.js';
import { Clock } from '../src/clock.js';
import { seedBasic, T } from '../test/helpers.js';

const [mode, arg, dbLocation] = process.argv.slice(2);
// The benchmarks measure the server, not Graph's emulated request budget (10,000 per app and tenant per 10 minutes: graph/throttle).
process.env.XTM_THROTTLE_BUDGET ??= '0/1';

if (mode === 'xtm') {
  const dir = arg!;
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const server = await createServer({ db: dbLocation ?? `${dir}/xtm.db`, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
  await seedBasic(server.deps.store);
  const db = server.deps.store.db;
  const jobs = 10_000;
  let sampleId = '';
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < jobs; i += 500) {
      const rows = Array.from({ length: Math.min(500, jobs - i) }, (_, k) => {
        const n = i + k;
        const id = randomUUID();
        if (n === jobs / 2) sampleId = id;
        const ts = new Date(Date.parse('2026-01-01T00:00:00Z') + n * 60_000).toISOString();
        return {
          id, tenant_id: T.target, display_name: `bench-job-${n}`, display_name_key: `bench-job-${n}`, job_type: 'validate', status: n % 3 ? 'submitted' : 'validatePassed',
          message: '', complete_after: '2026-12-01T00:00:00.000Z', complete_after_sent: '2026-12-01T00:00:00.000Z', source_tenant_id: T.source,
          exchange_settings: JSON.stringify({ sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' }),
          workloads: '["Exchange","ODSP","Teams","Meeting"]', resource_type: 'Users', resources: JSON.stringify([randomUUID(), randomUUID(), randomUUID()]),
          created_by: 'admin@fabrikam.onmicrosoft.com', created_at: ts, updated_at: ts, validated_at: null, op_seq: 0,
        };
      });
      await trx.insertInto('migration_jobs').values(rows).execute();
    }
  });
  // One full batch: 2,000 users (the Graph limit), each with its task row.
  const bigJobId = randomUUID();
  const users = Array.from({ length: 2000 }, () => randomUUID());
  const at = '2025-12-01T00:00:00.000Z'; // older than the others: the list benchmark's first page holds ordinary jobs
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('migration_jobs').values({
      id: bigJobId, tenant_id: T.target, display_name: 'bench-big-job', display_name_key: 'bench-big-job', job_type: 'validate', status: 'submitted',
      message: '', complete_after: '2026-12-01T00:00:00.000Z', complete_after_sent: '2026-12-01T00:00:00.000Z', source_tenant_id: T.source,
      exchange_settings: JSON.stringify({ sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' }),
      workloads: '["Exchange","ODSP","Teams","Meeting"]', resource_type: 'Users', resources: JSON.stringify(users),
      created_by: 'admin@fabrikam.onmicrosoft.com', created_at: at, updated_at: at, validated_at: null, op_seq: 0,
    }).execute();
    const status = JSON.stringify(['Exchange', 'ODSP', 'Teams', 'Meeting'].map((service) => ({ service, status: 'notStarted', message: '', errors: [] })));
    for (let i = 0; i < users.length; i += 500) {
      await trx.insertInto('migration_tasks').values(users.slice(i, i + 500).map((id, k) => ({
        tenant_id: T.target, job_id: bigJobId, id, position: i + k, task_type: 'Users', current_status: status, cancelled: 0, updated_at: at,
      }))).execute();
    }
  });
  const { http } = await server.listen();
  const token = await server.authority.appToken(T.target, T.app, http);
  console.log(JSON.stringify({ url: http, token, jobId: sampleId, bigJobId }));
} else {
  // path → the response xtm gave for it; request ids fresh per response, as xtm's are.
  const recorded = JSON.parse(readFileSync(arg!, 'utf8')) as Record<string, { status: number; headers: Record<string, string>; body: string }>;
  const responses = new Map(Object.entries(recorded).map(([path, r]) => [path, { ...r, body: Buffer.from(r.body) }]));
  const srv = createHttp((req, res) => {
    const r = responses.get(req.url!);
    if (!r) {
      res.writeHead(404).end();
      return;
    }
    const id = randomUUID();
    res.writeHead(r.status, { ...r.headers, 'request-id': id, 'client-request-id': id, 'content-length': r.body.length });
    res.end(r.body);
  });
  srv.listen(0, '127.0.0.1', () => {
    const a = srv.address() as { port: number };
    console.log(JSON.stringify({ url: `http://127.0.0.1:${a.port}` }));
  });
}

// XTM_BENCH_CPU_PROFILE=file: CPU profiles (file.xtm, file.bare) of the serving phase only (not start-up and
// seeding), written on SIGTERM/SIGINT; open it in Chrome DevTools or scratch tools.
const profileFile = process.env.XTM_BENCH_CPU_PROFILE;
const session = profileFile ? new inspector.Session() : undefined;
if (session) {
  session.connect();
  await new Promise((r) => session.post('Profiler.enable', () => session.post('Profiler.start', r)));
}
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (!session) process.exit(0);
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(`${profileFile}.${mode}`, JSON.stringify(res.profile)); // one file per server: xtm and bare
      process.exit(0);
    });
  });
}
