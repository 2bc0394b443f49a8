// A full batch (issue 22): 2,000 generated users with a few items each migrate every workload end to
// end on SQLite. Every source item is in the target exactly once (mail and OneDrive compared row for row
// in counts; no id-map target twice) and every user's every workload reads itemsDone = itemsTotal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../helpers.js';
import { JOBS as B, SRC, TGT, advanceAndDrain, demoToken } from './http.js';
import { scaledDemo } from './scaledDemo.js';
import { onPostgres } from '../pg.js';
import { EXCLUDED_FOLDERS } from '../../src/store/mailMoveRepo.js';

const USERS = Number(process.env.XTM_BATCH_USERS ?? 2000);
const TERMINAL = ['completed', 'completedWithErrors', 'failed'];

let s: TestServer;
let dir: string;
before(async () => {
  if (onPostgres) return;
  dir = mkdtempSync(join(tmpdir(), 'xtm-batch2000-'));
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, scaledDemo({ users: USERS, mailItemsPerUser: 3, filesPerUser: 2, chatMessagesPerUser: 2, chatsPerUser: 1, meetingsPerUser: 1 }));
  s = await startServer({ scenario, db: ':memory:' }, { seed: async () => {}, validate: 'rules' });
});
after(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test(`a ${USERS}-user batch: every item exactly once, itemsDone = itemsTotal for every user and workload`, { timeout: 900_000, skip: onPostgres ? 'the full batch runs on SQLite (the PostgreSQL suite runs the engine tests and SIGKILL tests)' : false }, async () => {
  const db = s.deps.store.db;
  const tgt = await demoToken(s, 'target');
  const maps = await db.selectFrom('identity_mappings').select(['target_user_id', 'source_user_id']).where('target_tenant_id', '=', TGT).where('state', '=', 'Completed')
    .orderBy('target_user_id').execute();
  const pairs = maps.filter((m) => m.target_user_id && !m.target_user_id.startsWith('f2000000-')).slice(0, USERS);
  assert.equal(pairs.length, USERS);
  const targets = pairs.map((p) => p.target_user_id!);
  const sources = pairs.map((p) => p.source_user_id);

  // The source as it was (folders that are not migrated left out): the cutover empties the source mailbox
  // and turns the OneDrive into a redirect.
  const count = async (q: ReturnType<typeof sql<{ n: number | string }>>) => Number((await q.execute(db)).rows[0]!.n);
  const mailSource = await count(sql`select count(*) as n from mail_items i join mail_folders f on f.tenant_id = i.tenant_id and f.user_id = i.user_id and f.id = i.folder_id
    where i.tenant_id = ${SRC} and i.user_id in (${sql.join(sources)}) and (f.well_known_name is null or f.well_known_name not in (${sql.join(EXCLUDED_FOLDERS)}))`);
  const driveSource = await count(sql`select count(*) as n from drive_items d join sites t on t.tenant_id = d.tenant_id and t.id = d.site_id where d.tenant_id = ${SRC} and t.owner_user_id in (${sql.join(sources)})`);
  assert.ok(mailSource > 0 && driveSource > 0);

  const c = await s.api('POST', B, {
    token: tgt,
    body: {
      displayName: 'full batch', completeAfterDateTime: '2026-06-02T00:00:00Z', sourceTenantId: SRC, resourceType: 'Users', resources: targets,
      workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id as string;
  await s.api('POST', `${B}/${id}/validate`, { token: tgt });
  await s.queue.drain();
  assert.equal((await s.api('GET', `${B}/${id}`, { token: tgt })).body.status, 'validatePassed');
  await s.api('POST', `${B}/${id}/migrate`, { token: tgt });
  await s.queue.drain();
  await advanceAndDrain(s, 'P1D');
  let job = (await s.api('GET', `${B}/${id}`, { token: tgt })).body;
  for (let i = 0; i < 600 && !TERMINAL.includes(job.status); i++) {
    await s.queue.drain();
    job = (await s.api('GET', `${B}/${id}`, { token: tgt })).body;
    if (!TERMINAL.includes(job.status)) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.status, 'completed', JSON.stringify(job));

  const progress = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgt })).body;
  assert.equal(progress.users.length, USERS);
  for (const u of progress.users) {
    assert.equal(u.workloads.length, 4, u.id);
    for (const w of u.workloads) {
      assert.equal(w.status, 'completed', `${u.id} ${w.workload}`);
      assert.equal(w.itemsDone, w.itemsTotal, `${u.id} ${w.workload}: ${w.itemsDone}/${w.itemsTotal}`);
    }
  }

  // Exactly once: the target holds as many mail items and OneDrive items as the moved sources had, and
  // no target id is mapped twice.
  const mailTarget = await count(sql`select count(*) as n from mail_items where tenant_id = ${TGT} and user_id in (${sql.join(targets)})`);
  const skipped = (w: string) => progress.users.reduce((n: number, u: { workloads: { workload: string; skippedItems: unknown[] }[] }) => n + u.workloads.find((x) => x.workload === w)!.skippedItems.length, 0);
  assert.equal(mailTarget, mailSource - skipped('Exchange'), 'every mail item exactly once (skipped ones excepted)');
  assert.equal(progress.totals.Exchange.itemsDone, mailTarget);
  const driveTarget = await count(sql`select count(*) as n from drive_items d join sites t on t.tenant_id = d.tenant_id and t.id = d.site_id where d.tenant_id = ${TGT} and t.owner_user_id in (${sql.join(targets)})`);
  assert.equal(driveTarget, driveSource - skipped('ODSP'), 'every OneDrive item exactly once');
  const map = (await sql<{ n: number; d: number }>`select count(*) as n, count(distinct workload || kind || target_id) as d from migration_item_map where job_id = ${id}`.execute(db)).rows[0]!;
  assert.equal(Number(map.d), Number(map.n), 'no target item mapped twice');
});
