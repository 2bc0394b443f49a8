// Snapshot benchmark (issue 24): a generated 10,000-user store (bench/scenarioLoad.ts's scenario, ~3.5 M
// items) served by a running server (its runner thread holding its own connection) with a few jobs;
// times `POST /xtm/admin/snapshots` (save: SQLite's online backup in one step, in a thread) and
// `POST /xtm/admin/snapshots/NAME/restore` (restore: a copy of the snapshot swapped in for the store's
// file while the server's connections close and reopen; store/sqliteHandle.ts), checks the restored
// server serves the same job list byte for byte, and as the baseline copies the raw snapshot file
// (what a restore with the server stopped would do). Then once more with a bare connection to the file
// open, as another process would hold it: the restore copies pages into the live file instead
// (store/sqlitePageCopy.ts), and `restoredAndCheckpointedSeconds` adds the time until its WAL is
// checkpointed (left to a thread after the answer). Target: restore < 10 s.
//   node --import tsx bench/snapshot.ts [--users N]
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { Clock } from '../src/clock.js';
import { openStore } from '../src/store/db.js';
import { loadScenario } from '../src/tenants/scenario/load.js';
import { createServer } from '../src/server.js';
import { scenarioText } from './scenarioLoad.js';

export async function run(o: { users?: number } = {}) {
  const users = o.users ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-snap-'));
  try {
    const db = join(dir, 'xtm.db');
    const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
    const seedStore = await openStore(db);
    const t0 = performance.now();
    // The generated scenario plus a migration app in Fabrikam, so the job API can be called.
    const text = scenarioText(users).replace(
      /^  - \{ id: 22222222-2222-4222-8222-222222222222, displayName: Fabrikam, (.*) \}$/m,
      `  - id: 22222222-2222-4222-8222-222222222222
    displayName: Fabrikam
    initialDomain: fabrikam.onmicrosoft.com
    defaultDomain: fabrikam.com
    domains: [fabrikam.com]
    applications: [{ appId: 33333333-3333-4333-8333-333333333333, displayName: migration app, secrets: [{ value: s }], requiredPermissions: [{ resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }] }]
    servicePrincipals: [{ appId: 33333333-3333-4333-8333-333333333333, grantedPermissions: [{ resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }] }]`);
    if (text === scenarioText(users)) throw new Error('bench/scenarioLoad.ts changed its Fabrikam line: update bench/snapshot.ts');
    await loadScenario(seedStore, clock, { text, name: `bench-${users}.yaml` });
    const loadSeconds = (performance.now() - t0) / 1000;
    const targets = seedStore.sqlite!.prepare("select id from users where tenant_id = '22222222-2222-4222-8222-222222222222' order by id limit 3").pluck().all() as string[];
    await seedStore.close();

    const server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
    const { http } = await server.listen();
    try {
      const admin = { authorization: `Bearer ${server.admin!.key}`, 'content-type': 'application/json' };
      const tok = await (await fetch(`${http}/xtm/admin/token`, { method: 'POST', headers: admin, body: JSON.stringify({ tenant: 'fabrikam.onmicrosoft.com' }) })).json() as { access_token: string };
      const graph = { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json' };
      const JOBS = `${http}/beta/solutions/migrations/crossTenantMigrationJobs`;
      const job = (name: string, user: string) => fetch(JOBS, { method: 'POST', headers: graph, body: JSON.stringify({ displayName: name, completeAfterDateTime: '2027-01-15T22:00:00Z', sourceTenantId: '11111111-1111-4111-8111-111111111111', exchangeSettings: { sourceEndpoint: 'x', targetDeliveryDomain: 'fabrikam.com' }, resourceType: 'Users', resources: [user], workloads: ['Exchange'] }) });
      for (const [i, u] of targets.slice(0, 2).entries()) {
        const r = await job(`Before ${i + 1}`, u);
        if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
      }
      const list = async () => (await fetch(JOBS, { headers: graph })).text();
      const before = await list();
      // The admin API, as `xtm snapshot save|restore` calls it.
      const timed = async (path: string, body?: unknown) => {
        const t = performance.now();
        const r = await fetch(`${http}/xtm/admin/${path}`, { method: 'POST', headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
        if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
        return (performance.now() - t) / 1000;
      };
      const saveSeconds = await timed('snapshots', { name: 'bench' });
      // Baseline: the raw file copy of the same store (what a restore with the server stopped would do).
      const snapFile = join(dir, 'snapshots', 'bench.db');
      const s = performance.now();
      copyFileSync(snapFile, join(dir, 'copy.db'));
      const copySeconds = (performance.now() - s) / 1000;
      rmSync(join(dir, 'copy.db'));
      await job('After', targets[2]!);
      if ((await list()) === before) throw new Error('the job list did not change after the save');
      const restoreSeconds = await timed('snapshots/bench/restore');
      const sameJobList = (await list()) === before;
      // With a connection from elsewhere open (another process; here a bare one), the restore copies the
      // snapshot's pages into the live file instead, and its WAL is checkpointed after it answers.
      await job('After again', targets[2]!);
      const elsewhere = new Database(db);
      elsewhere.prepare('select count(*) from kysely_migration').get();
      const pageCopySeconds = await timed('snapshots/bench/restore');
      const samePageCopyList = (await list()) === before;
      const checkpointed = performance.now();
      for (;;) {
        const [r] = elsewhere.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        if (r && !r.busy && r.log === r.checkpointed) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const pageCopyCheckpointedSeconds = pageCopySeconds + (performance.now() - checkpointed) / 1000;
      elsewhere.close();
      if (!sameJobList || !samePageCopyList) console.error('the restored server serves another job list than the one saved');
      return {
        users, storeMB: +(statSync(snapFile).size / 1048576).toFixed(1), loadSeconds: +loadSeconds.toFixed(1),
        saveSeconds: +saveSeconds.toFixed(2), restoreSeconds: +restoreSeconds.toFixed(2), sameJobList,
        whenAnotherProcessHasTheFile: { restoreSeconds: +pageCopySeconds.toFixed(2), restoredAndCheckpointedSeconds: +pageCopyCheckpointedSeconds.toFixed(2), sameJobList: samePageCopyList },
        baseline: { rawFileCopySeconds: +copySeconds.toFixed(2) },
        targets: { restoreSeconds: 10, met: restoreSeconds < 10 && sameJobList },
      };
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--users');
  console.log(JSON.stringify(await run({ users: i > 0 ? Number(process.argv[i + 1]) : undefined }), null, 2));
}
