// Microsoft's published clients against a running xtm over https, on the demo scenario: @azure/identity
// (ClientSecretCredential and UsernamePasswordCredential for the Fabrikam admin) against xtm's
// authority, @microsoft/microsoft-graph-client for the job lifecycle, users, PageIterator and $batch
// (BatchRequestContent / BatchResponseContent), and @microsoft/msgraph-beta-sdk's Kiota models for
// every request body sent and every response body received.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientSecretCredential, UsernamePasswordCredential, type TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler, BatchRequestContent, BatchResponseContent, Client, HTTPMessageHandler, PageIterator, RetryHandler, TelemetryHandler,
  type Context, type Middleware, type PageCollection,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { startServer, type TestServer } from '../helpers.js';
import { parseCsdl, type Csdl } from './csdl.js';
import { checkResponseBody, loadModels, parseModel, serializeModel } from './kiota.js';

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const FABRIKAM = '22222222-2222-4222-8222-222222222222';
const MIGRATION_APP = '33333333-3333-4333-8333-333333333333';
const CONTOSO_APP = '44444444-4444-4444-8444-444444444444';
const SECRET = 'xtm-demo-secret';
const ADMIN = 'admin@fabrikam.onmicrosoft.com';
const READY = ['f2000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002'];
const J = '/solutions/migrations/crossTenantMigrationJobs';

let s: TestServer;
let origin: string;
let csdl: Csdl;
let app: Client; // Fabrikam migration app (client credentials)
let admin: Client; // Fabrikam Global Administrator (delegated)
let contoso: Client; // Contoso app, for the directory and content reads

/** Every JSON body a client received, for the Kiota check at the end. */
const received: { label: string; body: unknown }[] = [];

class Recorder implements Middleware {
  private next?: Middleware;
  setNext(next: Middleware) { this.next = next; }
  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    const res = context.response;
    if (!res || !/json/i.test(res.headers.get('content-type') ?? '')) return;
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const text = await res.clone().text();
    if (!text) return;
    const body = JSON.parse(text);
    if (/\/\$batch$/.test(new URL(url).pathname)) {
      for (const r of body.responses ?? []) if (r.body && typeof r.body === 'object') received.push({ label: `$batch ${r.id}`, body: r.body });
    } else received.push({ label: `${context.options?.method ?? 'GET'} ${new URL(url).pathname}`, body });
  }
}

const credentialOptions = () => ({ authorityHost: origin, disableInstanceDiscovery: true, tlsOptions: { ca: s.tls!.ca } });

function graphClient(cred: TokenCredential): Client {
  const auth = new TokenCredentialAuthenticationProvider(cred, { scopes: ['https://graph.microsoft.com/.default'] });
  return Client.initWithMiddleware({
    baseUrl: origin,
    customHosts: new Set(['127.0.0.1']),
    defaultVersion: 'beta',
    // Node's fetch ignores tlsOptions: the CA reaches it through an undici dispatcher.
    fetchOptions: { dispatcher: new Agent({ connect: { ca: s.tls!.ca } }) },
    middleware: [new AuthenticationHandler(auth), new RetryHandler(), new TelemetryHandler(), new Recorder(), new HTTPMessageHandler()],
  } as any);
}

before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml', httpsPort: 0 }, { seed: async () => {}, validate: 'rules' });
  origin = `https://127.0.0.1:${(s.https!.server.address() as { port: number }).port}`;
  app = graphClient(new ClientSecretCredential(FABRIKAM, MIGRATION_APP, SECRET, credentialOptions() as any));
  admin = graphClient(new UsernamePasswordCredential(FABRIKAM, MIGRATION_APP, ADMIN, 'xtm-demo-password', credentialOptions() as any));
  contoso = graphClient(new ClientSecretCredential(CONTOSO, CONTOSO_APP, SECRET, credentialOptions() as any));
  await loadModels();
  csdl = parseCsdl(await app.api('/$metadata').responseType('text' as any).get());
});
after(() => s?.stop());

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

test('@azure/identity: app and delegated tokens from xtm\'s authority; wrong credentials fail as AAD does', async () => {
  const appToken = await new ClientSecretCredential(FABRIKAM, MIGRATION_APP, SECRET, credentialOptions() as any).getToken('https://graph.microsoft.com/.default');
  assert.ok(claims(appToken.token).roles.includes('CrossTenantContentMigration.ReadWrite.All'));
  const userToken = await new UsernamePasswordCredential(FABRIKAM, MIGRATION_APP, ADMIN, 'xtm-demo-password', credentialOptions() as any).getToken('https://graph.microsoft.com/.default');
  const c = claims(userToken.token);
  assert.equal(c.upn, ADMIN);
  assert.equal(c.tid, FABRIKAM);
  assert.match(c.scp, /CrossTenantContentMigration\.ReadWrite\.All/);
  assert.ok(c.wids.includes('62e90394-69f5-4237-9190-012177145e10'), 'Global Administrator');
  await assert.rejects(new UsernamePasswordCredential(FABRIKAM, MIGRATION_APP, ADMIN, 'wrong', credentialOptions() as any).getToken('https://graph.microsoft.com/.default'), /AADSTS50126/);
  await assert.rejects(new ClientSecretCredential(FABRIKAM, MIGRATION_APP, 'wrong', credentialOptions() as any).getToken('https://graph.microsoft.com/.default'), /AADSTS7000215/);
});

test('graph client as the delegated admin: the job lifecycle with Kiota-serialised request bodies', async (t) => {
  // Create from a Kiota model (enums, Date, nested complex type) serialised by the SDK.
  const body = JSON.parse(serializeModel('crossTenantMigrationJob', {
    displayName: 'Kiota wave', completeAfterDateTime: new Date('2099-01-15T22:00:00Z'), sourceTenantId: CONTOSO,
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    resourceType: 'Users', resources: READY, workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'],
  }));
  const created = await admin.api(J).post(body);
  assert.equal(created.status, 'submitted');
  assert.equal(created.createdBy, ADMIN);
  assert.equal((await admin.api(`${J}/${created.id}`).get()).displayName, 'Kiota wave');
  assert.equal((await admin.api(`${J}(displayName='Kiota wave')`).get()).id, created.id);
  // PATCH completeAfterDateTime from a Kiota model.
  await admin.api(`${J}/${created.id}`).patch(JSON.parse(serializeModel('crossTenantMigrationJob', { completeAfterDateTime: new Date('2099-02-01T00:00:00Z') })));
  assert.equal(Date.parse((await admin.api(`${J}/${created.id}`).get()).completeAfterDateTime), Date.parse('2099-02-01T00:00:00Z'));
  // A full job as the SDK reads it, serialised back (read-only properties included), is accepted as a new job.
  const model = parseModel('crossTenantMigrationJob', await app.api(`${J}/${created.id}`).get());
  const copy = await app.api(J).post(JSON.parse(serializeModel('crossTenantMigrationJob', { ...model, displayName: 'Kiota copy', resources: ['f2000000-0000-4000-8000-000000000003'] })));
  assert.equal(copy.displayName, 'Kiota copy');
  assert.notEqual(copy.id, created.id);

  const validated = await admin.api(`${J}/${created.id}/validate`).post({});
  assert.equal(validated.status, 'validateSubmitted');
  await s.queue.drain();
  const job = await admin.api(`${J}/${created.id}`).get();
  assert.equal(job.status, 'validatePassed', job.message);
  const users: PageCollection = await admin.api(`${J}/${created.id}/users`).get();
  assert.deepEqual(users.value.map((u: any) => u.id).sort(), READY);
  for (const u of users.value) assert.ok(u.currentStatus.every((c: any) => c.status === 'valid'), JSON.stringify(u.currentStatus));
  assert.equal((await admin.api(`${J}/${created.id}/users/${READY[0]}`).get()).id, READY[0]);

  const migrate = await admin.api(`${J}/${created.id}/migrate`).post({}).catch((e: any) => e);
  if (migrate?.statusCode === 501) t.diagnostic('migrate answered 501: the migration engine is not on main yet');
  else {
    assert.ok(!(migrate instanceof Error), String(migrate?.message));
    assert.equal(migrate.jobType, 'migrate');
  }

  const cancelled = await admin.api(`${J}/${copy.id}/cancel`).post(null);
  assert.equal(cancelled.status, 'pendingCancel');
  await s.queue.drain();
  await admin.api(`${J}/${copy.id}`).delete();
  await s.queue.drain();
  assert.equal((await admin.api(`${J}/${copy.id}`).get()).status, 'deleted');
  await assert.rejects(admin.api(`${J}/${copy.id}/validate`).post({}), (e: any) => e.statusCode === 409 && e.code === 'Conflict' && !!e.requestId);
});

test('graph client: users with PageIterator across pages, directory and content reads', async () => {
  const total = Number(await contoso.api('/users/$count').responseType('text' as any).get());
  const first: PageCollection = await contoso.api('/users').top(5).select(['id', 'displayName', 'userPrincipalName']).get();
  assert.equal(first.value.length, 5);
  assert.match(first['@odata.nextLink']!, new RegExp(`^${origin}/beta/users\\?`));
  const seen = new Set<string>();
  await new PageIterator(contoso, first, (u: any) => {
    assert.deepEqual(Object.keys(u).sort(), ['displayName', 'id', 'userPrincipalName']);
    seen.add(u.id);
    return true;
  }).iterate();
  assert.equal(seen.size, total);
  const megan = await contoso.api('/users/megan.bowen@contoso.com').get();
  await contoso.api(`/users/${megan.id}/mailFolders`).get();
  await contoso.api(`/users/${megan.id}/messages`).top(3).get();
  await contoso.api(`/users/${megan.id}/drive/root/children`).get();
  const chat = (await contoso.api(`/users/${megan.id}/chats`).get()).value[0];
  await contoso.api(`/chats/${chat.id}/messages`).get();
  await contoso.api(`/chats/${chat.id}/members`).get();
  await contoso.api(`/users/${megan.id}/events`).get();
  await contoso.api(`/users/${megan.id}/contacts`).get();
  const drive = await contoso.api(`/users/${megan.id}/drive`).get();
  const item = (await contoso.api(`/drives/${drive.id}/root/children`).get()).value[0];
  await contoso.api(`/drives/${drive.id}/items/${item.id}/permissions`).get();
  await contoso.api('/sites').get();
  const group = (await contoso.api('/groups').get()).value[0];
  await contoso.api(`/groups/${group.id}/members`).get();
  await contoso.api('/organization').get();
  await contoso.api('/subscribedSkus').get();
  await assert.rejects(contoso.api('/users/nobody@contoso.com').get(), (e: any) => e.statusCode === 404 && e.code === 'Request_ResourceNotFound');
});

test('BatchRequestContent / BatchResponseContent against $batch, with dependsOn', async () => {
  const created = await app.api(J).post({
    displayName: 'batched', completeAfterDateTime: '2099-01-01T00:00:00Z', sourceTenantId: CONTOSO,
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    resourceType: 'Users', resources: ['f2000000-0000-4000-8000-000000000013'], workloads: ['Exchange'],
  });
  const content = new BatchRequestContent([
    { id: '1', request: new Request(`${origin}/beta${J}/${created.id}`, { method: 'GET' }) },
    { id: '2', request: new Request(`${origin}/beta${J}/${created.id}/validate`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), dependsOn: ['1'] },
    { id: '3', request: new Request(`${origin}/beta${J}/${created.id}/users`, { method: 'GET' }), dependsOn: ['2'] },
    // The client only builds serial, parallel or same-dependency batches.
    { id: '4', request: new Request(`${origin}/beta${J}/00000000-0000-4000-8000-000000000000`, { method: 'GET' }), dependsOn: ['3'] },
  ]);
  const raw = await app.api('/$batch').post(await content.getContent());
  const res = new BatchResponseContent(raw);
  assert.equal(res.getResponseById('1').status, 200);
  const json = async (id: string): Promise<any> => res.getResponseById(id).json();
  assert.equal((await json('1')).displayName, 'batched');
  assert.equal((await json('2')).status, 'validateSubmitted');
  assert.equal((await json('3')).value.length, 1);
  const missing = res.getResponseById('4');
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as any).error.code, 'itemNotFound');
  assert.equal([...res.getResponses().keys()].length, 4);
});

test('graph client: SharePoint cross-organization tasks and identity mappings, bodies serialised by Kiota', async () => {
  const SP = '/solutions/sharePoint/migrations';
  const fabrikamSp = app; // identity mappings live in the target tenant
  // A OneDrive move from Kiota models. The SDK's base serializer drops a derived type's own properties
  // (it calls the derived serializer with isSerializingDerivedType=true), so the parameters are serialised
  // with their own type's serializer, as SDK callers have to.
  const parameters = JSON.parse(serializeModel('sharePointUserMigrationTaskParameters', {
    odataType: '#microsoft.graph.sharePointUserMigrationTaskParameters',
    targetOrganizationHost: 'https://fabrikam-my.sharepoint.com',
    sourceUserIdentity: { userPrincipalName: 'megan.bowen@contoso.com' },
    targetUserIdentity: { userPrincipalName: 'megan.bowen@fabrikam.com' },
  }));
  const taskBody = { ...JSON.parse(serializeModel('sharePointMigrationTask', {})), parameters };
  assert.equal(taskBody.parameters['@odata.type'], '#microsoft.graph.sharePointUserMigrationTaskParameters');
  const checked = await contoso.api(`${SP}/crossOrganizationMigrationTasks`).post({ parameters: { ...taskBody.parameters, validateOnly: true } });
  assert.equal(checked.status, 'completed');
  const task = await contoso.api(`${SP}/crossOrganizationMigrationTasks`).post(taskBody);
  assert.equal(task.status, 'notStarted');
  assert.equal((await contoso.api(`${SP}/crossOrganizationMigrationTasks/${task.id}`).get()).id, task.id);
  const bySource = await contoso.api(`${SP}/crossOrganizationMigrationTasks/getBySourceUserPrincipalName(sourcePrincipalName='megan.bowen@contoso.com')`).get();
  assert.equal(bySource.id, task.id);
  assert.ok((await contoso.api(`${SP}/crossOrganizationMigrationTasks`).get()).value.length >= 1);
  await contoso.api(`${SP}`).get();

  const mapping = await fabrikamSp.api(`${SP}/crossOrganizationUserMappings(sourceUserPrincipalName='megan.bowen@contoso.com')`).get();
  assert.equal(mapping.sourceUserIdentity.userPrincipalName, 'megan.bowen@contoso.com');
  const delta = await fabrikamSp.api(`${SP}/crossOrganizationUserMappings`).patch({
    '@context': '#$delta',
    value: [JSON.parse(serializeModel('sharePointUserIdentityMapping', {
      sourceOrganizationId: CONTOSO, userType: 'regularUser',
      sourceUserIdentity: { userPrincipalName: 'fault-no-spo-mapping@contoso.com' },
      targetUserIdentity: { userPrincipalName: 'fault-no-spo-mapping@fabrikam.com' },
      targetUserMigrationData: { email: 'fault-no-spo-mapping@fabrikam.com' },
    } as any))],
  });
  assert.equal(delta.value.length, 1);
  assert.equal(delta.value[0].sourceUserIdentity.userPrincipalName, 'fault-no-spo-mapping@contoso.com');
  await fabrikamSp.api(`${SP}/crossOrganizationGroupMappings`).get();
  await fabrikamSp.api(`${SP}/crossOrganizationUserMappings`).top(5).get();
  await s.queue.drain();
  const after = await contoso.api(`${SP}/crossOrganizationMigrationTasks/${task.id}`).get();
  assert.ok(['notStarted', 'inProgress', 'completed'].includes(after.status), after.status);
});

test('Kiota: every response body received above deserialises with no property lost', () => {
  assert.ok(received.length >= 30, `only ${received.length} bodies recorded`);
  const labels = received.map((r) => r.label).join('\n');
  for (const must of [/POST \/beta\/solutions\/migrations\/crossTenantMigrationJobs$/m, /\/users$/m, /\/validate$/m, /\/cancel$/m, /\$batch 4/, /\/messages$/m, /\/chats$/m, /\/permissions$/m, /\/members$/m, /crossOrganizationMigrationTasks/, /crossOrganizationUserMappings/]) assert.match(labels, must);
  assert.ok(received.some((r) => (r.body as any).error), 'an error body was checked');
  const problems = received.flatMap((r) => checkResponseBody(csdl, r.body, r.label));
  assert.deepEqual(problems, []);
});
