// Issue 23, clean stops from outside: `xtm serve` (its worker thread running the work) gets SIGTERM in
// the middle of a migration, while /metrics shows items moving and work items running. It exits within
// its bound (--shutdown-timeout); `xtm serve` started again on the same store finishes the job, and every
// source item is in the target exactly once, per user and workload. On SQLite, and on PostgreSQL when it
// answers. Size: 20 generated users with all four workloads and one-item mail chunks — enough that the
// migration is still copying when the signal comes on a fast machine, small enough for seconds on CI.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';
import { scaledDemo } from '../migration/scaledDemo.js';
import { JOBS as B, SRC } from '../migration/http.js';
import { countMismatches, generatedPairs, mapDuplicates, sourceCounts, targetCounts } from '../migration/exactlyOnce.js';
import { call, demoAppToken, kill, serve, sleep, type XtmProc } from './xtmProcess.js';
import { workState } from './workState.js';

const USERS = 20;
const BOUND_MS = 10_000;
const env = { XTM_MIGRATION_THROUGHPUT: JSON.stringify({ Exchange: { chunkItems: 1 } }) };
const ENDED = ['completed', 'completedWithErrors', 'failed'];
const pgMissing = await pgUnreachable();

/** The sum of a Prometheus metric's samples (all label sets). */
const metric = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`SIGTERM during a migration (${backend}): exits within the bound, a restart completes the job exactly once`, { skip: backend === 'postgres' && pgMissing ? pgMissing : false, timeout: 150_000 }, () => {
    const root = mkdtempSync(join(tmpdir(), `xtm-term-${backend}-`));
    const dir = join(root, 'data');
    let pg: TempDatabase | undefined;
    let server: (XtmProc & { url: string }) | undefined;
    after(async () => {
      await kill(server);
      await pg?.drop();
      rmSync(root, { recursive: true, force: true });
    });

    it('runs', async () => {
      pg = backend === 'postgres' ? await createTempDatabase('sigterm') : undefined;
      const db = pg?.url ?? join(dir, 'xtm.db');
      const scenario = join(root, 'scenario.yaml');
      writeFileSync(scenario, scaledDemo({ users: USERS, mailItemsPerUser: 6, filesPerUser: 2, chatMessagesPerUser: 2, chatsPerUser: 1, meetingsPerUser: 1 }));
      const args = (sc: string) => ['--db', db, '--port', '0', '--https-port', 'off', '--clock', 'manual', '--scenario', sc, '--no-admin-auth', '--shutdown-timeout', String(BOUND_MS), '--log-level', 'info'];
      server = await serve(dir, args(scenario), { env });

      let store = await openStore(db);
      const pairs = await generatedPairs(store, USERS);
      const source = await sourceCounts(store, pairs);
      const before = await targetCounts(store, pairs, null);
      await store.close();

      let token = await demoAppToken(server.url);
      const now = Date.parse((await call(server.url, 'GET', '/xtm/admin/clock')).body.now);
      const created = await call(server.url, 'POST', B, {
        token,
        body: {
          displayName: 'sigterm', completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users', resources: pairs.map((p) => p.tgt),
          workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
        },
      });
      assert.equal(created.status, 201, created.text);
      const id = created.body.id as string;
      const jobStatus = async (url: string) => (await call(url, 'GET', `${B}/${id}`, { token })).body.status as string;
      assert.equal((await call(server.url, 'POST', `${B}/${id}/validate`, { token })).status, 200);
      for (const deadline = Date.now() + 60_000; !['validatePassed', 'validateFailed'].includes(await jobStatus(server.url)); await sleep(100)) assert.ok(Date.now() < deadline, 'validation');
      assert.equal(await jobStatus(server.url), 'validatePassed');
      assert.equal((await call(server.url, 'POST', `${B}/${id}/migrate`, { token })).status, 200);
      // Past completeAfterDateTime at once: left alone, the migration would run through to completed.
      assert.equal((await call(server.url, 'POST', '/xtm/admin/clock/advance', { body: { by: 'P1D' } })).status, 200);

      // Mid-migration: mail items have moved and work items are running.
      for (const deadline = Date.now() + 60_000; ; await sleep(50)) {
        const m = await (await fetch(`${server.url}/metrics`)).text();
        if (metric(m, 'xtm_moved_items') > 0 && metric(m, 'xtm_work_items_running') > 0) break;
        assert.ok(Date.now() < deadline, 'no items moved');
      }
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      const exit = await server.exited;
      const took = Date.now() - t0;
      const out = server.out();
      assert.ok(took < BOUND_MS + 3000, `SIGTERM to exit: ${took} ms (bound ${BOUND_MS} ms)`);
      assert.ok(exit.code === 0 || exit.code === 1, `exit ${JSON.stringify(exit)}: ${out.slice(-1500)}`);
      if (exit.code === 0) assert.match(out, /stopping: runner stopped, its work items committed and their locks released/);
      else assert.match(out, /the shutdown bound passed, exiting now/);

      store = await openStore(db);
      const mid = countMismatches(source, before, await targetCounts(store, pairs, id));
      await store.close();
      assert.ok(mid.length > 0, 'the signal came after the migration had finished copying');

      // The same command again, on the same store: the runner's recovery takes the job on.
      server = await serve(dir, args('none'), { env });
      token = await demoAppToken(server.url); // tokens name their issuer: this server's new port
      let status = '';
      for (const deadline = Date.now() + 90_000; !ENDED.includes(status = await jobStatus(server.url)); await sleep(200)) {
        if (Date.now() > deadline) assert.fail(`the job is still ${status}; ${await workState(db)}`);
      }
      assert.equal(status, 'completed');
      server.child.kill('SIGTERM');
      assert.equal((await server.exited).code, 0);

      store = await openStore(db);
      try {
        assert.deepEqual(countMismatches(source, before, await targetCounts(store, pairs, id)), []);
        assert.deepEqual(await mapDuplicates(store, id), []);
      } finally {
        await store.close();
      }
    });
  });
}
