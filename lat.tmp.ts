import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { measureLatency } from './bench/latency.ts';
const dir = mkdtempSync('/tmp/latx-');
const child = spawn(process.execPath, ['--import', 'tsx', 'bench/latencyChild.ts', dir, process.argv[2] ?? '2000', process.argv[3] ?? ''], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } });
const line = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
const { url, token } = JSON.parse(line);
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const small = await (await fetch(`${url}${B}`, { method: 'POST', headers: h, body: JSON.stringify({ displayName: 'p', completeAfterDateTime: '2027-01-15T22:00:00Z', sourceTenantId: '11111111-1111-4111-8111-111111111111', resourceType: 'Users', resources: ['0f000000-0000-4000-8000-000000000001'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' } }) })).json() as any;
for (let i = 0; i < 4; i++) {
  const r = await measureLatency({ url: `${url}${B}/${small.id}`, token, seconds: 3, load: { start() {}, async stop() { return {}; } } });
  console.log(JSON.stringify([r.idle, r.loaded]));
}
child.kill('SIGKILL');
