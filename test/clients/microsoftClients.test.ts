// Microsoft's own clients against xtm over https: @azure/identity obtains the token from xtm's
// authority, @microsoft/microsoft-graph-client drives the job lifecycle and pages with PageIterator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { Client, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { guid, jobBody, seedBasic, startServer, T, type TestServer } from '../helpers.js';

let s: TestServer;
let httpsUrl: string;
let client: Client;

before(async () => {
  const users = Array.from({ length: 25 }, (_, i) => guid(i + 1));
  s = await startServer({ httpsPort: 0 }, { seed: (st) => seedBasic(st, { source: [], target: users }) });
  httpsUrl = (s.https!.server.address() as { port: number }).port ? `https://127.0.0.1:${(s.https!.server.address() as { port: number }).port}` : '';
  const cred = new ClientSecretCredential(T.target, T.app, T.secret, { authorityHost: httpsUrl, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } } as any);
  client = Client.initWithMiddleware({
    baseUrl: httpsUrl,
    customHosts: new Set(['127.0.0.1']),
    authProvider: new TokenCredentialAuthenticationProvider(cred, { scopes: ['https://graph.microsoft.com/.default'] }),
    // Node's fetch does not read tlsOptions: trust xtm's CA through an undici dispatcher (or NODE_EXTRA_CA_CERTS).
    fetchOptions: { dispatcher: new Agent({ connect: { ca: s.tls!.ca } }) },
  } as any);
});

after(() => s?.stop());

test('@azure/identity gets a token from the local authority; a wrong secret fails', async () => {
  const cred = new ClientSecretCredential(T.target, T.app, T.secret, { authorityHost: httpsUrl, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } } as any);
  const tok = await cred.getToken('https://graph.microsoft.com/.default');
  assert.ok(tok.token.split('.').length === 3);
  const bad = new ClientSecretCredential(T.target, T.app, 'wrong', { authorityHost: httpsUrl, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } } as any);
  await assert.rejects(bad.getToken('https://graph.microsoft.com/.default'), /AADSTS7000215/);
});

test('graph client: create, get by id and display name, list with PageIterator, validate, cancel, delete', async () => {
  const api = (p: string) => client.api(p).version('beta');
  const created = await api('/solutions/migrations/crossTenantMigrationJobs').post(jobBody({ displayName: 'client job', resources: Array.from({ length: 25 }, (_, i) => guid(i + 1)) }));
  assert.equal(created.status, 'submitted');
  const got = await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}`).get();
  assert.equal(got.displayName, 'client job');
  const byName = await api(`/solutions/migrations/crossTenantMigrationJobs(displayName='client job')`).get();
  assert.equal(byName.id, created.id);
  for (let i = 0; i < 22; i++) await api('/solutions/migrations/crossTenantMigrationJobs').post(jobBody({ displayName: `other ${i}`, resources: [guid(1000 + i)] }));
  const first: PageCollection = await api('/solutions/migrations/crossTenantMigrationJobs').get();
  assert.equal(first.value.length, 20);
  assert.match(first['@odata.nextLink']!, /^https:\/\/127\.0\.0\.1:\d+\/beta\//);
  const ids = new Set<string>();
  await new PageIterator(client, first, (job: any) => {
    ids.add(job.id);
    return true;
  }).iterate();
  assert.equal(ids.size, 23);
  const validated = await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}/validate`).post({});
  assert.equal(validated.status, 'validateSubmitted');
  await s.queue.drain();
  const users: PageCollection = await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}/users`).get();
  assert.equal(users.value.length, 20);
  assert.equal(users.value[0].currentStatus[0].status, 'valid');
  const cancel = await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}/cancel`).post(null);
  assert.equal(cancel.status, 'pendingCancel');
  await s.queue.drain();
  await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}`).delete();
  await s.queue.drain();
  const gone = await api(`/solutions/migrations/crossTenantMigrationJobs/${created.id}`).get();
  assert.equal(gone.status, 'deleted');
});

test('graph client surfaces Graph errors with code and status', async () => {
  await assert.rejects(client.api('/solutions/migrations/crossTenantMigrationJobs/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa').version('beta').get(), (e: any) => {
    assert.equal(e.statusCode, 404);
    assert.equal(e.code, 'itemNotFound');
    assert.ok(e.requestId);
    return true;
  });
});
