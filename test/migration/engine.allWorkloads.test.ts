// All four workloads for one user end to end over HTTP (demo scenario, clock moved through the admin API):
// Exchange cuts over first, then OneDrive, chats and meetings move; the target reads the mailbox and the
// OneDrive with the target's token (same items, names, sizes and content hashes as the source had), and
// the source is converted (MailUser, redirect site).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOBS as B, SRC, demoPair, demoToken, startDemoServer } from './http.js';
import type { TestServer } from '../helpers.js';

const MEGAN = demoPair(1);

let s: TestServer;
let tgt: string;
let src: string;
before(async () => {
  s = await startDemoServer();
  tgt = await demoToken(s, 'target');
  src = await demoToken(s, 'source');
});
after(() => s?.stop());

/** Every file and folder of a OneDrive: path → size and hash (walks the tree through Graph). */
async function drive(token: string, userId: string) {
  const out = new Map<string, string>();
  const walk = async (url: string, prefix: string) => {
    for (let next: string | undefined = url; next; ) {
      const r = await s.api('GET', next.replace(/^https?:\/\/[^/]+/, ''), { token });
      assert.equal(r.status, 200, r.text);
      for (const it of r.body.value) {
        const path = `${prefix}/${it.name}`;
        out.set(path, it.folder ? 'folder' : `${it.size}:${it.file?.hashes?.sha256Hash ?? ''}`);
        if (it.folder) await walk(`/beta/users/${userId}/drive/items/${it.id}/children?$top=999`, path);
      }
      next = r.body['@odata.nextLink'];
    }
  };
  await walk(`/beta/users/${userId}/drive/root/children?$top=999`, '');
  return out;
}

test('Exchange, ODSP, Teams and Meeting: completed; mailbox and OneDrive read back from the target', async () => {
  const now = Date.parse((await s.api('GET', '/xtm/admin/clock', { token: null })).body.now);
  const c = await s.api('POST', B, {
    token: tgt,
    body: {
      displayName: 'all workloads', completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users',
      resources: [MEGAN.tgt], workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'],
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id as string;
  await s.api('POST', `${B}/${id}/validate`, { token: tgt });
  await s.queue.drain();
  assert.equal((await s.api('GET', `${B}/${id}`, { token: tgt })).body.status, 'validatePassed');
  const sourceDrive = await drive(src, MEGAN.src);
  assert.ok(sourceDrive.size > 0);

  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token: tgt })).status, 200);
  await s.queue.drain();
  const mid = (await s.api('GET', `${B}/${id}/users/${MEGAN.tgt}`, { token: tgt })).body.currentStatus;
  const st = Object.fromEntries(mid.map((x: any) => [x.service, x.status]));
  assert.deepEqual(st, { Exchange: 'synced', ODSP: 'synced', Teams: 'synced', Meeting: 'synced' }, 'the other workloads wait for the mailbox cutover');

  await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1D' } });
  await s.queue.drain();
  const job = (await s.api('GET', `${B}/${id}`, { token: tgt })).body;
  const user = (await s.api('GET', `${B}/${id}/users/${MEGAN.tgt}`, { token: tgt })).body.currentStatus;
  assert.equal(job.status, 'completed', JSON.stringify(user));
  for (const w of user) assert.equal(w.status, 'completed', JSON.stringify(w));

  // OneDrive: same paths, sizes and content hashes, read with the target's token.
  assert.deepEqual(await drive(tgt, MEGAN.tgt), sourceDrive);
  // Mailbox readable in the target; the source is a MailUser now.
  assert.equal((await s.api('GET', `/beta/users/${MEGAN.tgt}/messages?$top=1`, { token: tgt })).status, 200);
  assert.equal((await s.api('GET', `/beta/users/${MEGAN.src}/messages?$top=1`, { token: src })).body.error.code, 'MailboxNotEnabledForRESTAPI');
  const p = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgt })).body;
  assert.deepEqual(p.users[0].workloads.map((w: any) => w.workload).sort(), ['Exchange', 'Meeting', 'ODSP', 'Teams']);
  for (const w of p.users[0].workloads) assert.equal(w.itemsDone, w.itemsTotal, JSON.stringify(w));
});
