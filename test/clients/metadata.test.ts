// /$metadata: the CSDL document against the routes xtm serves (both directions), against Microsoft's
// beta names (type-mapping fixture) and nullability (graph-api-surface.md), and every @odata.context
// of real responses resolves against it with every returned property declared.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, type TestServer } from '../helpers.js';
import { allNavigation, allProperties, derivedOf, lineage, operationSegments, parseCsdl, resolveContext, typeRef, undeclaredProperties, type Csdl } from './csdl.js';

let s: TestServer;
let csdl: Csdl;
const CONTOSO = '11111111-1111-4111-8111-111111111111';
const CONTOSO_APP = '44444444-4444-4444-8444-444444444444';
const FABRIKAM = '22222222-2222-4222-8222-222222222222';
const FABRIKAM_APP = '33333333-3333-4333-8333-333333333333';
const MS = JSON.parse(readFileSync(new URL('./fixtures/graph-beta-names.json', import.meta.url), 'utf8'));

/** Routes that are deliberately not OData addressing, with why. */
const NOT_ODATA: Record<string, string> = {
  'GET /$metadata': 'the document itself',
  'POST /$batch': 'JSON batching',
  'POST /solutions/migrations/crossTenantMigrationJobs/:key': 'answers 405 for a known key and 404 for an unknown one (Design A recognition)',
  // A file's bytes are a media stream (driveItem.content, Edm.Stream) written with PUT; the path forms end in
  // `:/content` or `:/createUploadSession`, which the route's wildcard hides.
  ...Object.fromEntries(['/users/:userKey/drive', '/drives/:driveId', '/sites/:siteKey/drive'].flatMap((d) => [
    [`PUT ${d}/items/:itemId/content`, 'PUT of the media stream driveItem.content'],
    [`PUT ${d}/root::/*`, 'PUT of the media stream at root:/path:/content'],
    [`POST ${d}/root::/*`, 'createUploadSession at root:/path:/createUploadSession'],
  ])),
};

before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml' }, { seed: async () => {} });
  const res = await s.api('GET', '/beta/$metadata', { token: null });
  csdl = parseCsdl(res.text);
});
after(() => s?.stop());

test('GET /$metadata is anonymous XML on both versions', async () => {
  for (const v of ['beta', 'v1.0']) {
    const r = await s.api('GET', `/${v}/$metadata`, { token: null });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type')!, /^application\/xml/);
    assert.match(r.text, /^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
  }
  assert.equal(csdl.namespace, 'microsoft.graph');
  assert.equal(csdl.alias, 'graph');
});

interface Walk { used: Set<string>; error?: string }

/** Resolves one served route against the document, recording which elements it uses. */
function walk(method: string, url: string): Walk {
  const used = new Set<string>();
  const fail = (why: string): Walk => ({ used, error: `${method} ${url}: ${why}` });
  const segs = url.split('/').filter(Boolean);
  let cur: { type: string; many: boolean } | undefined;
  let terminal: 'entity' | 'collection' | 'count' | 'property' | 'action' | 'function' = 'entity';
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (!cur) {
      const c = csdl.container.get(seg);
      if (!c) return fail(`'${seg}' is not an entity set or singleton`);
      used.add(`container:${seg}`);
      cur = { type: typeRef(c.type).name, many: c.kind === 'entitySet' };
      continue;
    }
    if (seg.startsWith(':')) {
      if (!cur.many) return fail(`key '${seg}' after a single-valued segment`);
      cur = { ...cur, many: false };
      continue;
    }
    if (seg === '$count') {
      if (!cur.many || !last) return fail('$count must end a collection path');
      terminal = 'count';
      continue;
    }
    if (seg === '$value') {
      // OData's raw value of one entity (a file attachment's bytes, as Graph serves them).
      if (cur.many || !last) return fail('$value must end a single-entity path');
      terminal = 'property';
      continue;
    }
    if (seg === '*') {
      // Path-based addressing: `sites/{host}:/{path}` or `root:/{path}` (after a `root::` segment).
      cur = { ...cur, many: false };
      continue;
    }
    const name = seg.replace(/::$/, '').replace(/\(.*\)$/, '');
    const navProp = lineage(csdl, cur.type).flatMap((t) => t.navigation.map((n) => ({ ...n, owner: t.name }))).find((n) => n.name === name);
    if (navProp && !cur.many) {
      used.add(`nav:${navProp.owner}.${navProp.name}`);
      const t = typeRef(navProp.type);
      cur = { type: t.name, many: t.many };
      continue;
    }
    const property = allProperties(csdl, cur.type).find((p) => p.name === name);
    if (property && !cur.many && last) {
      terminal = 'property';
      continue;
    }
    const op = csdl.operations.find((o) => operationSegments(o).includes(name) && typeRef(o.bindingType).many === cur!.many && lineage(csdl, cur!.type).some((t) => t.name === typeRef(o.bindingType).name));
    if (op && last) {
      used.add(`op:${op.bindingType}/${op.namespace}.${op.name}`);
      terminal = op.kind;
      continue;
    }
    return fail(`'${seg}' is not a navigation property, property or bound operation of ${cur.many ? 'Collection(' + cur.type + ')' : cur.type}`);
  }
  if (terminal === 'entity' && cur?.many) terminal = 'collection';
  const allowed: Record<typeof terminal, string[]> = {
    entity: ['GET', 'PATCH', 'DELETE'], collection: ['GET', 'POST', 'PATCH'], count: ['GET'], property: ['GET'], action: ['POST'], function: ['GET'],
  };
  if (!allowed[terminal].includes(method)) return fail(`${method} is not an OData request on a ${terminal}`);
  return { used };
}

test('every Graph route xtm serves is addressed by the document', () => {
  const routes = s.http.servedRoutes.filter((r) => r.url.startsWith('/beta/')).map((r) => ({ method: r.method, url: r.url.slice('/beta'.length) }));
  assert.ok(routes.length > 50, `only ${routes.length} routes`);
  const v1 = new Set(s.http.servedRoutes.filter((r) => r.url.startsWith('/v1.0/')).map((r) => `${r.method} ${r.url.slice('/v1.0'.length)}`));
  assert.deepEqual([...v1].sort(), routes.map((r) => `${r.method} ${r.url}`).sort(), '/v1.0 serves the same routes as /beta');
  const errors = routes.filter((r) => !NOT_ODATA[`${r.method} ${r.url}`]).map((r) => walk(r.method, r.url).error).filter(Boolean);
  assert.deepEqual(errors, []);
});

test('every entity set, navigation property and bound operation in the document is served', () => {
  const used = new Set<string>();
  for (const r of s.http.servedRoutes.filter((x) => x.url.startsWith('/beta/'))) {
    if (NOT_ODATA[`${r.method} ${r.url.slice(5)}`]) continue;
    for (const u of walk(r.method, r.url.slice(5)).used) used.add(u);
  }
  const declared = [
    // An entity set only named as a navigation binding target (e.g. directoryObjects) need not be addressable on its own.
    ...[...csdl.container.keys()].filter((n) => !csdl.bindingTargets.has(n)).map((n) => `container:${n}`),
    ...[...csdl.types.values()].flatMap((t) => t.navigation.map((n) => `nav:${t.name}.${n.name}`)),
    ...csdl.operations.map((o) => `op:${o.bindingType}/${o.namespace}.${o.name}`),
  ];
  assert.deepEqual(declared.filter((d) => !used.has(d)), [], 'declared but no route serves it');
});

test('every type in the document is reachable from the container and every type reference resolves', () => {
  const referenced = new Set<string>();
  const visit = (name: string) => {
    if (referenced.has(name)) return;
    const t = csdl.types.get(name);
    assert.ok(t, `type ${name} is referenced but not declared`);
    referenced.add(name);
    for (const b of lineage(csdl, name).slice(1)) visit(b.name);
    for (const d of derivedOf(csdl, name)) visit(d);
    for (const p of t.properties) if (!p.type.startsWith('Edm.') && !/^Collection\(Edm\./.test(p.type)) visit(typeRef(p.type).name);
    for (const n of t.navigation) visit(typeRef(n.type).name);
  };
  for (const c of csdl.container.values()) visit(typeRef(c.type).name);
  for (const o of csdl.operations) if (o.returnType) visit(typeRef(o.returnType).name);
  assert.deepEqual([...csdl.types.keys()].filter((n) => !referenced.has(n)), []);
});

test("names and enum members agree with Microsoft's beta model", () => {
  const problems: string[] = [];
  for (const t of csdl.types.values()) {
    if (t.name.includes('.')) continue; // xtm's own namespace
    if (t.kind === 'enum') {
      const ms = MS.enum[t.name] as string[] | undefined;
      if (!ms) problems.push(`enum ${t.name} is not in Microsoft's model`);
      else if ([...t.members].sort().join() !== [...ms].sort().join()) problems.push(`enum ${t.name}: [${t.members}] vs Microsoft [${ms}]`);
      continue;
    }
    const ms = (t.kind === 'entity' ? MS.entity : MS.complex)[t.name];
    if (!ms) { problems.push(`${t.kind} ${t.name} is not in Microsoft's model`); continue; }
    for (const p of t.properties) if (!ms.properties.includes(p.name)) problems.push(`${t.name}.${p.name} is not a property Microsoft declares on ${t.name}`);
    for (const n of t.navigation) if (!ms.navigationProperties.includes(n.name)) problems.push(`${t.name}.${n.name} is not a navigation property Microsoft declares on ${t.name}`);
  }
  assert.deepEqual(problems, []);
});

test('migration types: nullability, alternate key and operations as graph-api-surface.md §3–§7 states', () => {
  const nonNull: Record<string, string[]> = {
    crossTenantMigrationJob: ['completeAfterDateTime', 'createdBy', 'createdDateTime', 'displayName', 'jobType', 'lastUpdatedDateTime', 'resourceType', 'resources', 'sourceTenantId', 'status', 'targetTenantId', 'workloads'],
    crossTenantMigrationTask: ['lastUpdatedDateTime', 'taskType'],
    crossTenantMigrationServiceStatusDetails: ['message', 'service', 'status'],
    exchangeOnlineCrossTenantMigrationSettings: ['sourceEndpoint', 'targetDeliveryDomain'],
    crossTenantMigrationCancelResponse: [],
  };
  for (const [type, names] of Object.entries(nonNull)) {
    const t = csdl.types.get(type)!;
    assert.deepEqual(t.properties.filter((p) => !p.nullable).map((p) => p.name).sort(), [...names].sort(), type);
  }
  assert.deepEqual(allProperties(csdl, 'crossTenantMigrationJob').find((p) => p.name === 'id')?.nullable, false);
  assert.deepEqual(csdl.types.get('crossTenantMigrationJob')!.alternateKeys, ['displayName']);
  assert.deepEqual(allNavigation(csdl, 'crossTenantMigrationJob').map((n) => [n.name, n.type, n.containsTarget]), [['users', 'Collection(graph.crossTenantMigrationTask)', true]]);
  const ops = csdl.operations.filter((o) => o.namespace === 'microsoft.graph' && o.bindingType.includes('crossTenantMigration')).map((o) => `${o.kind} ${o.bindingType}/${o.name} → ${o.returnType}`).sort();
  assert.deepEqual(ops, [
    'action graph.crossTenantMigrationJob/cancel → graph.crossTenantMigrationCancelResponse',
    'action graph.crossTenantMigrationJob/migrate → graph.crossTenantMigrationJob',
    'action graph.crossTenantMigrationJob/validate → graph.crossTenantMigrationJob',
    'action graph.crossTenantMigrationTask/cancel → graph.crossTenantMigrationCancelResponse',
  ]);
  assert.deepEqual(csdl.types.get('crossTenantMigrationJobStatus')!.members.slice(0, 3), ['submitted', 'approved', 'processing'], 'CSDL order');
});

test('@odata.context of real responses resolves, and every property returned is declared on its type', async () => {
  const contoso = await s.token(CONTOSO, CONTOSO_APP, 'xtm-demo-secret');
  const fabrikam = await s.token(FABRIKAM, FABRIKAM_APP, 'xtm-demo-secret');
  const get = async (path: string, token: string) => {
    const r = await s.api('GET', `/beta${path}`, { token });
    assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
    return r.body;
  };
  const check = (path: string, body: any) => {
    const ctx = String(body['@odata.context']);
    const prefix = `${s.url}/beta/$metadata#`;
    assert.ok(ctx.startsWith(prefix), `${path}: context ${ctx}`);
    const target = resolveContext(csdl, ctx.slice(prefix.length));
    const payload = target.many ? body.value : Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('@odata.')));
    assert.equal(Array.isArray(payload), target.many, `${path}: context ${ctx} says ${target.many ? 'collection' : 'entity'}`);
    if (target.many) assert.ok(payload.length > 0, `${path}: empty page proves nothing`);
    assert.deepEqual(undeclaredProperties(csdl, target.type, payload), [], `${path} (${ctx})`);
  };
  const checkAll = async (paths: string[], token: string) => {
    for (const p of paths) check(p, await get(p, token));
  };
  // Directory and content (Contoso has mail, files and chats in the demo scenario).
  const users = await get('/users?$top=50', contoso);
  check('/users', users);
  let uid = '';
  for (const u of users.value) {
    const [m, d, c] = await Promise.all([`/users/${u.id}/messages?$top=1`, `/users/${u.id}/drive/root/children`, `/users/${u.id}/chats`].map((p) => s.api('GET', `/beta${p}`, { token: contoso })));
    if (m!.body.value?.length && d!.body.value?.length && c!.body.value?.length) { uid = u.id; break; }
  }
  assert.ok(uid, 'a Contoso user with mail, files and chats');
  const group = (await get('/groups', contoso)).value.find((g: any) => g.groupTypes.includes('Unified')) ?? (await get('/groups', contoso)).value[0];
  const folder = (await get(`/users/${uid}/mailFolders`, contoso)).value[0];
  const chat = (await get(`/users/${uid}/chats`, contoso)).value[0];
  const children = (await get(`/users/${uid}/drive/root/children`, contoso)).value;
  const item = children.find((x: any) => x.file) ?? children[0];
  const site = (await get('/sites', contoso)).value[0];
  await checkAll([
    `/users/${uid}`, `/users/${uid}?$select=id,displayName`, `/users/${uid}/assignedLicenses`, '/groups', `/groups/${group.id}`, `/groups/${group.id}/members`, '/organization', '/subscribedSkus',
    `/users/${uid}/mailFolders`, `/users/${uid}/mailFolders/${folder.id}`, `/users/${uid}/mailFolders/${folder.id}/messages`, `/users/${uid}/messages`, `/users/${uid}/events`, `/users/${uid}/contacts`,
    `/users/${uid}/drive`, `/users/${uid}/drive/root`, `/users/${uid}/drive/root/children`, `/users/${uid}/drive/items/${item.id}`, `/users/${uid}/drive/items/${item.id}/permissions`,
    '/sites', `/sites/${site.id}`, `/sites/${site.id}/drive`, `/users/${uid}/chats`, `/chats/${chat.id}`, `/chats/${chat.id}/members`, `/chats/${chat.id}/messages`,
  ], contoso);
  const msg = (await get(`/users/${uid}/messages`, contoso)).value[0];
  check('message', await get(`/users/${uid}/messages/${msg.id}`, contoso));
  // Migration jobs, from Fabrikam (the target).
  const J = '/solutions/migrations/crossTenantMigrationJobs';
  const created = await s.api('POST', `/beta${J}`, { token: fabrikam, body: {
    displayName: 'metadata check', completeAfterDateTime: '2099-01-01T00:00:00Z', sourceTenantId: CONTOSO,
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    resourceType: 'Users', resources: ['f2000000-0000-4000-8000-000000000001'], workloads: ['Exchange'],
  } });
  assert.equal(created.status, 201, created.text);
  check('create', created.body);
  const validated = await s.api('POST', `/beta${J}/${created.body.id}/validate`, { token: fabrikam });
  check('validate', validated.body);
  await s.queue.drain();
  await checkAll(['/solutions/migrations', J, `${J}/${created.body.id}`, `${J}(displayName='metadata check')`, `${J}/${created.body.id}/users`, `${J}/${created.body.id}/users/f2000000-0000-4000-8000-000000000001`], fabrikam);
  check('xtm.progress', await get(`${J}/${created.body.id}/xtm.progress`, fabrikam));
  const cancelled = await s.api('POST', `/beta${J}/${created.body.id}/cancel`, { token: fabrikam });
  check('cancel', cancelled.body);
});
