// A SharePoint OneDrive task survives a SIGKILL of the process in the middle of its copy: the next
// process on the same database resumes it, and every file is present in the target exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Clock } from '../../src/clock.js';
import { readAdminKey } from '../../src/graph/admin/auth.js';
import { openStore } from '../../src/store/db.js';
import { loadScenarioFile } from '../../src/tenants/scenario/index.js';
import { CONTOSO, CONTOSO_APP, FABRIKAM, NESTOR, SCENARIO, SECRET } from './fixture.js';

const CHILD = fileURLToPath(new URL('./serveChild.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xtm-spo-kill-'));
const db = join(dir, 'xtm.db');
const EXTRA = 10_000;
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

test('SIGKILL mid-copy, restart: the task completes with every file exactly once', async () => {
  // A large OneDrive: the scenario's listed one plus 10,000 generated files, so the copy takes many chunks.
  const store = await openStore(db);
  await loadScenarioFile(store, new Clock({ mode: 'manual', startAt: Date.now() }), SCENARIO);
  const site = await store.db.selectFrom('sites').select('id').where('tenant_id', '=', CONTOSO).where('owner_user_id', '=', NESTOR.source).executeTakeFirstOrThrow();
  const rows = Array.from({ length: EXTRA }, (_, i) => ({
    tenant_id: CONTOSO, site_id: site.id, id: `bulk-${String(i).padStart(6, '0')}`, parent_id: null, name: `file ${i}.txt`, path: `/Bulk/file ${i}.txt`,
    is_folder: 0, size_bytes: 1000 + i, content_hash: `hash${i}`, versions: '[]', created_by: NESTOR.source, modified_at: '2025-01-01T00:00:00.000Z',
  }));
  for (let i = 0; i < rows.length; i += 500) await store.db.insertInto('drive_items').values(rows.slice(i, i + 500)).execute();
  const sourceIds = (await store.db.selectFrom('drive_items').select('id').where('tenant_id', '=', CONTOSO).where('site_id', '=', site.id).execute()).map((r) => r.id);
  await store.close();

  let run = await start();
  const res = await fetch(`${run.url}/${CONTOSO}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CONTOSO_APP, client_secret: SECRET, scope: 'https://graph.microsoft.com/.default' }) });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const created = await fetch(`${run.url}/beta/solutions/sharePoint/migrations/crossOrganizationMigrationTasks`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ parameters: { '@odata.type': '#microsoft.graph.sharePointUserMigrationTaskParameters', sourceUserIdentity: { userPrincipalName: NESTOR.upn }, targetUserIdentity: { userPrincipalName: NESTOR.targetUpn } } }),
  });
  const task = (await created.json()) as { id: string };
  assert.equal(created.status, 200, JSON.stringify(task));

  // Kill as soon as some (not all) items are copied.
  let copied = 0;
  for (let i = 0; i < 3000; i++) {
    const p = (await (await fetch(`${run.url}/xtm/admin/sharepoint/migrations/tasks/${task.id}`, { headers: { authorization: `Bearer ${readAdminKey(dir)}` } })).json()) as { move: { itemsCopied: number } | null };
    copied = p.move?.itemsCopied ?? 0;
    if (copied > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  run.child.kill('SIGKILL');
  await new Promise((r) => run.child.once('exit', r));
  assert.ok(copied > 0 && copied < sourceIds.length, `killed mid-copy (copied ${copied} of ${sourceIds.length})`);

  run = await start();
  let status = '';
  for (let i = 0; i < 600 && status !== 'completed'; i++) {
    const p = (await (await fetch(`${run.url}/xtm/admin/sharepoint/migrations/tasks/${task.id}`, { headers: { authorization: `Bearer ${readAdminKey(dir)}` } })).json()) as { task: { status: string } };
    status = p.task.status;
    if (status !== 'completed') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 'completed');
  run.child.kill('SIGKILL');
  await new Promise((r) => run.child.once('exit', r));

  const check = await openStore(db);
  try {
    const target = await check.db.selectFrom('sites').select('id').where('tenant_id', '=', FABRIKAM).where('owner_user_id', '=', NESTOR.target).executeTakeFirstOrThrow();
    const items = await check.db.selectFrom('drive_items').select(['id', 'path']).where('tenant_id', '=', FABRIKAM).where('site_id', '=', target.id).execute();
    assert.equal(items.length, sourceIds.length, 'every file once');
    assert.equal(new Set(items.map((i) => i.path)).size, sourceIds.length, 'no path twice');
    const map = await check.db.selectFrom('drive_item_map').select('source_item_id').where('move_id', '=', `spo:${task.id}`).execute();
    assert.deepEqual(map.map((m) => m.source_item_id).sort(), [...sourceIds].sort());
  } finally {
    await check.close();
  }
});
