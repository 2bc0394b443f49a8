// Done-when for content writes (issue 25), with Microsoft's own clients over https: as the Contoso tools
// app, upload a 100 MB file through an upload session to Megan's OneDrive and create a message, an event
// and a contact; list them through delta; migrate Megan; read the same bytes (sha256), message, event and
// contact in Fabrikam with the migration app; the source refuses writes after cutover.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { Client, FileUpload, LargeFileUploadTask, ResponseType } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { startServer, type TestServer } from '../helpers.js';
import { JOBS as B, SRC, TGT, demoPair, demoToken } from '../migration/http.js';

const MEGAN = demoPair(1);
const SIZE = 100 * 1024 * 1024;
let s: TestServer;
let source: Client;
let target: Client;

function graphClient(httpsUrl: string, tenant: string, clientId: string): Client {
  const cred = new ClientSecretCredential(tenant, clientId, 'xtm-demo-secret', { authorityHost: httpsUrl, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } } as any);
  return Client.initWithMiddleware({
    baseUrl: httpsUrl, defaultVersion: 'beta', customHosts: new Set(['127.0.0.1']),
    authProvider: new TokenCredentialAuthenticationProvider(cred, { scopes: ['https://graph.microsoft.com/.default'] }),
    fetchOptions: { dispatcher: new Agent({ connect: { ca: s.tls!.ca } }) },
  } as any);
}

before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml', httpsPort: 0 }, { seed: async () => {}, validate: 'rules' });
  const httpsUrl = `https://127.0.0.1:${(s.https!.server.address() as { port: number }).port}`;
  source = graphClient(httpsUrl, SRC, '44444444-4444-4444-8444-444444444444');
  target = graphClient(httpsUrl, TGT, '33333333-3333-4333-8333-333333333333');
});
after(() => s?.stop());

test('stage content with the Graph SDK, migrate, read the same content in the target; the source refuses writes', async () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const U = `/users/${MEGAN.src}`;

  // 1. 100 MB through an upload session (LargeFileUploadTask, 10 MiB ranges).
  const bytes = randomBytes(SIZE);
  const digest = sha(bytes);
  const session = await LargeFileUploadTask.createUploadSession(source, `${U}/drive/root:/Migration/large.bin:/createUploadSession`, { item: { '@microsoft.graph.conflictBehavior': 'replace' } });
  const task = new LargeFileUploadTask(source, new FileUpload(bytes as any, 'large.bin', SIZE), session, { rangeSize: 10 * 1024 * 1024 });
  const uploaded = (await task.upload()).responseBody as any;
  assert.equal(uploaded.size, SIZE);
  assert.equal(uploaded.file.hashes.sha256Hash, digest.toUpperCase());

  // 2. A message, an event and a contact.
  const msg = await source.api(`${U}/mailFolders/inbox/messages`).post({ subject: 'Staged for the move', body: { contentType: 'text', content: 'Bytes and words travel together.' }, toRecipients: [{ emailAddress: { address: 'someone@example.com' } }] });
  const ev = await source.api(`${U}/events`).post({ subject: 'Post-move check', start: { dateTime: '2027-02-01T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-02-01T09:30:00', timeZone: 'UTC' }, location: { displayName: 'Room 1' } });
  const ct = await source.api(`${U}/contacts`).post({ givenName: 'Moved', surname: 'Contact', emailAddresses: [{ address: 'moved.contact@example.com', name: 'Moved Contact' }] });

  // 3. Delta lists them.
  const delta = async (path: string) => {
    const out: any[] = [];
    let r = await source.api(path).get();
    out.push(...r.value);
    while (r['@odata.nextLink']) {
      r = await source.api(r['@odata.nextLink']).get();
      out.push(...r.value);
    }
    return out;
  };
  assert.ok((await delta(`${U}/mailFolders/inbox/messages/delta`)).some((m) => m.id === msg.id));
  assert.ok((await delta(`${U}/calendarView/delta?startDateTime=2027-02-01T00:00:00Z&endDateTime=2027-02-02T00:00:00Z`)).some((e) => e.id === ev.id));
  assert.ok((await delta(`${U}/contacts/delta`)).some((c) => c.id === ct.id));
  assert.ok((await delta(`${U}/drive/root/delta`)).some((i) => i.id === uploaded.id));

  // 4. Migrate Megan (HTTP helpers: target token, clock moved through the admin API).
  const tgt = await demoToken(s, 'target');
  const now = Date.parse((await s.api('GET', '/xtm/admin/clock', { token: null })).body.now);
  const job = await s.api('POST', B, {
    token: tgt,
    body: {
      displayName: 'content move', completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users',
      resources: [MEGAN.tgt], workloads: ['Exchange', 'ODSP'],
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(job.status, 201, job.text);
  await s.api('POST', `${B}/${job.body.id}/validate`, { token: tgt });
  await s.queue.drain();
  assert.equal((await s.api('POST', `${B}/${job.body.id}/migrate`, { token: tgt })).status, 200);
  await s.queue.drain();
  // Written between the initial sync and cutover: carried by an incremental pass from the change log.
  const late = await source.api(`${U}/contacts`).post({ givenName: 'Late', surname: 'Arrival' });
  assert.ok(late.id);
  await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'P1D' } });
  await s.queue.drain();
  assert.equal((await s.api('GET', `${B}/${job.body.id}`, { token: tgt })).body.status, 'completed');

  // 5. The target reads the same bytes, message, event and contact.
  const T = `/users/${MEGAN.tgt}`;
  const file = await target.api(`${T}/drive/root:/Migration/large.bin`).get();
  assert.equal(file.size, SIZE);
  const body = Buffer.from(await target.api(`${T}/drive/items/${file.id}/content`).responseType(ResponseType.ARRAYBUFFER).get());
  assert.equal(sha(body), digest, 'the same bytes');
  const tm = (await target.api(`${T}/messages`).filter("subject eq 'Staged for the move'").get()).value;
  assert.equal(tm.length, 1);
  assert.deepEqual(tm[0].body, { contentType: 'text', content: 'Bytes and words travel together.' });
  assert.deepEqual(tm[0].toRecipients, [{ emailAddress: { address: 'someone@example.com' } }]);
  const te = (await target.api(`${T}/events`).filter("subject eq 'Post-move check'").get()).value;
  assert.equal(te.length, 1);
  assert.deepEqual(te[0].start, { dateTime: '2027-02-01T09:00:00', timeZone: 'UTC' });
  assert.equal(te[0].location.displayName, 'Room 1');
  const tc = (await target.api(`${T}/contacts`).filter("displayName eq 'Moved Contact'").get()).value;
  assert.equal(tc.length, 1);
  assert.equal(tc[0].emailAddresses[0].address, 'moved.contact@example.com');
  assert.equal((await target.api(`${T}/contacts`).filter("displayName eq 'Late Arrival'").get()).value.length, 1, 'the late write arrived');
  assert.equal(await s.deps.store.db.selectFrom('blobs').select('sha256').where('sha256', '=', digest).execute().then((r) => r.length), 1, 'bytes stored once: the move copied the reference');

  // 6. The source refuses writes after cutover, as Graph does for a moved mailbox and OneDrive.
  await assert.rejects(source.api(`${U}/messages`).post({ subject: 'too late' }), (e: any) => e.statusCode === 404 && e.code === 'MailboxNotEnabledForRESTAPI');
  await assert.rejects(source.api(`${U}/drive/root:/late.txt:/content`).put('late'), (e: any) => e.statusCode === 404);
  await assert.rejects(source.api(`/drives/${uploaded.parentReference.driveId}/root:/late.txt:/content`).put('late'), (e: any) => e.statusCode === 423 || e.statusCode === 404);
});
