// Child process for bench/httpThroughput.ts: serves either xtm (with 10,000 stored jobs) or a bare
// node:http server answering with pre-serialized bytes. Prints one JSON line with what the parent needs.
import { createServer as createHttp } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createServer } from '../src/server.js';
import { Clock } from '../src/clock.js';
import { seedBasic, T } from '../test/helpers.js';

const [mode, arg] = process.argv.slice(2);

if (mode === 'xtm') {
  const dir = arg!;
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const server = await createServer({ db: `${dir}/xtm.db`, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
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
          message: '', complete_after: '2026-12-01T00:00:00.000Z', source_tenant_id: T.source,
          exchange_settings: JSON.stringify({ sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' }),
          workloads: '["Exchange","ODSP","Teams","Meeting"]', resource_type: 'Users', resources: JSON.stringify([randomUUID(), randomUUID(), randomUUID()]),
          created_by: 'admin@fabrikam.onmicrosoft.com', created_at: ts, updated_at: ts, validated_at: null, op_seq: 0,
        };
      });
      await trx.insertInto('migration_jobs').values(rows).execute();
    }
  });
  const { http } = await server.listen();
  const token = await server.authority.appToken(T.target, T.app, http);
  console.log(JSON.stringify({ url: http, token, jobId: sampleId }));
} else {
  const bodies = JSON.parse(arg!) as { byId: string; list: string };
  const byId = Buffer.from(bodies.byId);
  const list = Buffer.from(bodies.list);
  const srv = createHttp((req, res) => {
    const body = req.url!.includes('$top') ? list : byId;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'request-id': randomUUID() });
    res.end(body);
  });
  srv.listen(0, '127.0.0.1', () => {
    const a = srv.address() as { port: number };
    console.log(JSON.stringify({ url: `http://127.0.0.1:${a.port}` }));
  });
}
