// Throttling like Graph: a per-app-and-tenant budget (429 + Retry-After + Graph's error body) and admin
// faults (429/503/504 on a share of chosen routes for chosen apps); Microsoft's RetryHandler (the Graph
// client's default middleware) honours Retry-After and gets through.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { startServer, type TestServer } from '../helpers.js';
import { adminOk, demoPair, demoToken, JOBS, SRC } from '../migration/http.js';

const TOOLS = '44444444-4444-4444-8444-444444444444';
let s: TestServer;
let client: Client;
let tok: string;
const U = `/users/${demoPair(1).src}`;

before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml', httpsPort: 0 }, { seed: async () => {}, validate: 'rules' });
  const httpsUrl = `https://127.0.0.1:${(s.https!.server.address() as { port: number }).port}`;
  const cred = new ClientSecretCredential(SRC, TOOLS, 'xtm-demo-secret', { authorityHost: httpsUrl, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } } as any);
  client = Client.initWithMiddleware({
    baseUrl: httpsUrl, defaultVersion: 'beta', customHosts: new Set(['127.0.0.1']),
    authProvider: new TokenCredentialAuthenticationProvider(cred, { scopes: ['https://graph.microsoft.com/.default'] }),
    fetchOptions: { dispatcher: new Agent({ connect: { ca: s.tls!.ca } }) },
  } as any);
  tok = await demoToken(s, 'source');
});
after(() => s?.stop());

test('over the budget: 429 TooManyRequests with Retry-After, per app and tenant', async () => {
  await adminOk(s, 'PUT', 'throttling', { budget: { requests: 3, windowSeconds: 60 } });
  for (let i = 0; i < 3; i++) assert.equal((await s.api('GET', `/beta${U}/messages?$top=1`, { token: tok })).status, 200);
  const r = await s.api('GET', `/beta${U}/messages?$top=1`, { token: tok });
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, 'TooManyRequests');
  assert.ok(r.body.error.innerError['request-id']);
  const retryAfter = Number(r.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
  // Another app (in another tenant) has a budget of its own.
  assert.equal((await s.api('GET', JOBS, { token: await demoToken(s, 'target') })).status, 200);
  await adminOk(s, 'PUT', 'throttling', { budget: { requests: 0, windowSeconds: 60 } });
  assert.equal((await s.api('GET', `/beta${U}/messages?$top=1`, { token: tok })).status, 200);
});

test('faults: a share of requests to chosen routes from chosen apps fail; other apps and routes do not', async () => {
  await adminOk(s, 'PUT', 'throttling', { faults: [{ routes: ['/users/*/messages'], appIds: [TOOLS], status: 503, share: 0.5, retryAfterSeconds: 1 }] });
  const first = await s.api('GET', `/beta${U}/messages`, { token: tok });
  assert.equal(first.status, 503);
  assert.equal(first.body.error.code, 'serviceNotAvailable');
  assert.equal(first.headers.get('retry-after'), '1');
  assert.equal((await s.api('GET', `/beta${U}/messages`, { token: tok })).status, 200, 'half of them');
  assert.equal((await s.api('GET', `/beta${U}/events`, { token: tok })).status, 200, 'another route');
  await adminOk(s, 'PUT', 'throttling', { faults: [{ routes: ['/solutions/**'], status: 504, share: 1 }] });
  const jobs = await s.api('GET', JOBS, { token: await demoToken(s, 'target') });
  assert.equal(jobs.status, 504);
  assert.equal(jobs.body.error.code, 'gatewayTimeout');
  await adminOk(s, 'PUT', 'throttling', { faults: [] });
});

test("the Graph client's RetryHandler honours Retry-After and gets through", async () => {
  await adminOk(s, 'PUT', 'throttling', { faults: [{ routes: ['/users/*/messages'], appIds: [TOOLS], status: 429, share: 0.5, retryAfterSeconds: 1 }] });
  const t0 = Date.now();
  const page = await client.api(`${U}/messages`).top(1).get();
  assert.ok(Array.isArray(page.value));
  assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After before the retry');
  // Every request fails: the handler gives up after its retries and surfaces the 429.
  await adminOk(s, 'PUT', 'throttling', { faults: [{ routes: ['/users/*/events'], appIds: [TOOLS], status: 429, share: 1, retryAfterSeconds: 0 }] });
  await assert.rejects(client.api(`${U}/events`).get(), (e: any) => e.statusCode === 429 && e.code === 'TooManyRequests');
  await adminOk(s, 'PUT', 'throttling', { faults: [] });
});
