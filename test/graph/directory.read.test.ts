// Graph read endpoints: shapes, $select / $filter, and paging by nextLink round-trip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, type TestServer } from '../helpers.js';
import { CHAT_ID, U, collect, startWorld, userId } from './fixtures.js';
import { skuIdOf } from '../../src/graph/directory/licenses.js';

describe('directory reads', () => {
  let s: TestServer;
  let tok: string;
  let alice: string;
  const get = (path: string) => s.api('GET', `/beta${path}`, { token: tok });

  before(async () => {
    s = await startWorld();
    tok = await s.token(T.source, T.app);
    alice = await userId(s, T.source, U.alice);
  });
  after(() => s.stop());

  test('GET /users: Graph user shape, own tenant only, paged by nextLink', async () => {
    const r = await get('/users');
    assert.equal(r.status, 200);
    assert.match(r.body['@odata.context'], /\/beta\/\$metadata#users$/);
    assert.deepEqual(r.body.value.map((u: any) => u.userPrincipalName), [U.alice, U.bob, U.carol]);
    const a = r.body.value[0];
    for (const k of ['id', 'displayName', 'mail', 'accountEnabled', 'userType', 'assignedLicenses', 'businessPhones', 'proxyAddresses']) assert.ok(k in a, k);
    assert.deepEqual(a.assignedLicenses, [{ disabledPlans: [], skuId: skuIdOf('EXCHANGE_S_ENTERPRISE') }]);
    assert.equal(a.mail, U.alice);
    assert.ok(a.proxyAddresses.includes(`smtp:aa@contoso.onmicrosoft.com`));
    const paged = await collect(s, '/beta/users?$top=1', tok);
    assert.equal(paged.pages, 3);
    assert.deepEqual(paged.items.map((u) => u.id), r.body.value.map((u: any) => u.id));
  });

  test('users: $select, $filter, $count, by id, by UPN, users(\'upn\'), assignedLicenses, subscribedSkus', async () => {
    const sel = await get('/users?$select=id,displayName');
    assert.match(sel.body['@odata.context'], /#users\(id,displayName\)$/);
    assert.deepEqual(Object.keys(sel.body.value[0]).sort(), ['displayName', 'id']);
    const f = await get(`/users?$filter=accountEnabled eq false`);
    assert.deepEqual(f.body.value.map((u: any) => u.userPrincipalName), [U.carol]);
    const f2 = await get(`/users?$filter=startswith(displayName,'Bo') or userPrincipalName eq '${U.alice.toUpperCase()}'`);
    assert.deepEqual(f2.body.value.map((u: any) => u.userPrincipalName).sort(), [U.alice, U.bob]);
    const bad = await get(`/users?$filter=jobTitle eq 'x'`);
    assert.equal(bad.status, 400);
    assert.equal((await get('/users/$count')).text, '3');
    for (const key of [alice, U.alice, `('${U.alice}')`]) {
      const one = await s.api('GET', key.startsWith('(') ? `/beta/users${key}` : `/beta/users/${key}`, { token: tok });
      assert.equal(one.status, 200, key);
      assert.match(one.body['@odata.context'], /#users\/\$entity$/);
      assert.equal(one.body.id, alice);
    }
    const lic = await get(`/users/${alice}/assignedLicenses`);
    assert.deepEqual(lic.body.value, [{ disabledPlans: [], skuId: skuIdOf('EXCHANGE_S_ENTERPRISE') }]);
    const skus = await get('/subscribedSkus');
    const ex = skus.body.value.find((x: any) => x.skuPartNumber === 'EXCHANGE_S_ENTERPRISE');
    assert.equal(ex.skuId, skuIdOf('EXCHANGE_S_ENTERPRISE'));
    assert.equal(ex.consumedUnits, 1);
    const org = await get('/organization');
    assert.equal(org.body.value[0].id, T.source);
  });

  test('groups and members', async () => {
    const g = await get('/groups');
    assert.equal(g.body.value.length, 1);
    const movers = g.body.value[0];
    assert.deepEqual([movers.displayName, movers.mailNickname, movers.mailEnabled, movers.securityEnabled], ['Movers', 'movers', true, true]);
    assert.equal((await get(`/groups?$filter=mailEnabled eq false`)).body.value.length, 0);
    const one = await get(`/groups/${movers.id}?$select=displayName`);
    assert.deepEqual(Object.keys(one.body).filter((k) => !k.startsWith('@')).sort(), ['displayName', 'id']);
    const members = await collect(s, `/beta/groups/${movers.id}/members?$top=1`, tok);
    assert.equal(members.pages, 2);
    assert.deepEqual(members.items.map((m) => m['@odata.type']), ['#microsoft.graph.user', '#microsoft.graph.user']);
    assert.deepEqual(members.items.map((m) => m.userPrincipalName).sort(), [U.alice, U.bob]);
    const f = await get(`/groups/${movers.id}/members?$filter=displayName eq 'Bob Brown'`);
    assert.deepEqual(f.body.value.map((m: any) => m.userPrincipalName), [U.bob]);
  });

  test('mail folders: mail folders only, well-known names, counts, child folders', async () => {
    const r = await get(`/users/${alice}/mailFolders`);
    assert.equal(r.status, 200);
    assert.match(r.body['@odata.context'], new RegExp(`#users\\('${alice}'\\)/mailFolders$`));
    const names = r.body.value.map((f: any) => f.displayName);
    assert.ok(names.includes('Inbox') && names.includes('Sent Items'));
    for (const hidden of ['Calendar', 'Contacts', 'Tasks', 'Deletions', 'TeamsMessagesData']) assert.ok(!names.includes(hidden), hidden);
    const inbox = await get(`/users/${U.alice}/mailFolders/inbox`);
    assert.deepEqual([inbox.body.displayName, inbox.body.totalItemCount, inbox.body.unreadItemCount, inbox.body.childFolderCount], ['Inbox', 5, 3, 1]);
    const byId = await get(`/users/${alice}/mailFolders/${inbox.body.id}`);
    assert.equal(byId.body.id, inbox.body.id);
    const kids = await get(`/users/${alice}/mailFolders/inbox/childFolders`);
    assert.deepEqual(kids.body.value.map((f: any) => [f.displayName, f.parentFolderId]), [['Projects', inbox.body.id]]);
    const deletions = await get(`/users/${alice}/mailFolders/recoverableitemsdeletions`);
    assert.equal(deletions.body.totalItemCount, 1);
    assert.equal((await get(`/users/${alice}/mailFolders/nope`)).body.error.code, 'ErrorItemNotFound');
  });

  test('messages: IPM.Note only, newest first, paged, filtered, one by id', async () => {
    const all = await collect(s, `/beta/users/${alice}/messages?$top=2`, tok);
    assert.equal(all.pages, 3);
    assert.equal(all.items.length, 6); // 5 inbox + Projects; not calendar, contact or Recoverable Items
    assert.deepEqual(all.items.map((m) => m.receivedDateTime), [...all.items.map((m) => m.receivedDateTime)].sort().reverse());
    const m = all.items.find((x) => x.subject === 'Budget 2');
    assert.deepEqual(
      [m.from.emailAddress.address, m.isRead, m.bodyPreview, typeof m.parentFolderId],
      ['partner2@example.com', true, 'Numbers 2', 'string'],
    );
    const inFolder = await get(`/users/${alice}/mailFolders/inbox/messages?$filter=isRead eq false&$select=subject,isRead`);
    assert.deepEqual(inFolder.body.value.map((x: any) => x.subject), ['Budget 5', 'Budget 3', 'Budget 1']);
    assert.deepEqual(Object.keys(inFolder.body.value[0]).sort(), ['id', 'isRead', 'subject']);
    const byFrom = await get(`/users/${alice}/messages?$filter=from/emailAddress/address eq 'partner4@example.com'`);
    assert.deepEqual(byFrom.body.value.map((x: any) => x.subject), ['Budget 4']);
    const one = await get(`/users/${alice}/messages/${m.id}`);
    assert.equal(one.body.subject, 'Budget 2');
    const inf = await get(`/users/${alice}/mailFolders/inbox/messages/${m.id}`);
    assert.equal(inf.status, 200);
    assert.equal((await get(`/users/${alice}/messages/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await get(`/users/${alice}/mailFolders/inbox/messages/$count`)).text, '5');
  });

  test('events and contacts come from their item classes', async () => {
    const ev = await get(`/users/${alice}/events`);
    assert.deepEqual(ev.body.value.map((e: any) => e.subject), ['Standup']);
    assert.equal(ev.body.value[0].start.timeZone, 'UTC');
    const c = await get(`/users/${alice}/contacts`);
    assert.deepEqual(c.body.value.map((x: any) => [x.displayName, x.emailAddresses[0].address]), [['Zoe Zimmer', 'zoe@example.com']]);
  });

  test('a user without a mailbox: MailboxNotEnabledForRESTAPI; unknown user: ErrorInvalidUser', async () => {
    const carol = await get(`/users/${U.carol}/messages`);
    assert.equal(carol.status, 404);
    assert.equal(carol.body.error.code, 'MailboxNotEnabledForRESTAPI');
    const nobody = await get(`/users/nobody@contoso.onmicrosoft.com/mailFolders`);
    assert.equal(nobody.body.error.code, 'ErrorInvalidUser');
  });

  test('OneDrive: drive, root, children (paged), items, path addressing, permissions with inheritance', async () => {
    const d = await get(`/users/${alice}/drive`);
    assert.equal(d.status, 200);
    assert.equal(d.body.driveType, 'business');
    assert.equal(d.body.owner.user.id, alice);
    assert.equal(d.body.quota.used, 3010);
    const root = await get(`/users/${alice}/drive/root`);
    assert.deepEqual([root.body.name, root.body.folder.childCount, 'root' in root.body], ['root', 2, true]);
    const kids = await collect(s, `/beta/users/${alice}/drive/root/children?$top=1`, tok);
    assert.equal(kids.pages, 2);
    const projects = kids.items.find((i) => i.name === 'Projects');
    assert.deepEqual(projects.folder, { childCount: 2 });
    assert.equal(projects.parentReference.id, root.body.id);
    assert.equal(projects.parentReference.driveId, d.body.id);
    const files = await get(`/users/${alice}/drive/items/${projects.id}/children?$orderby=size desc`);
    assert.deepEqual(files.body.value.map((f: any) => f.name), ['budget.xlsx', 'plan.docx']);
    const plan = files.body.value[1];
    assert.equal(plan.size, 1000);
    assert.match(plan.file.hashes.sha256Hash, /^[0-9A-F]+$/);
    assert.equal(plan.parentReference.path, `/drives/${d.body.id}/root:/Projects`);
    assert.equal(plan.createdBy.user.displayName, 'Alice Adams');
    const item = await get(`/users/${alice}/drive/items/${plan.id}`);
    assert.equal(item.body.name, 'plan.docx');
    const byPath = await get(`/drives/${d.body.id}/root:/Projects/plan.docx`);
    assert.equal(byPath.body.id, plan.id);
    const alias = await get(`/users/${alice}/drive/items/root`);
    assert.equal(alias.body.id, root.body.id);
    const perms = await get(`/users/${alice}/drive/items/${plan.id}/permissions`);
    const bob = await userId(s, T.source, U.bob);
    const own = perms.body.value.find((p: any) => p.grantedToV2?.user?.id === bob);
    assert.deepEqual([own.roles, own.inheritedFrom], [['write'], undefined]);
    const owner = perms.body.value.find((p: any) => p.grantedToV2?.user?.id === alice);
    assert.deepEqual([owner.roles, owner.inheritedFrom.id], [['owner'], root.body.id]);
    const link = perms.body.value.find((p: any) => p.link);
    assert.deepEqual(link.link.scope, 'organization');
    assert.equal((await get(`/users/${alice}/drive/items/nope`)).body.error.code, 'itemNotFound');
    assert.equal((await get(`/users/${U.carol}/drive`)).body.error.code, 'ResourceNotFound');
  });

  test('sites: by id, composite id, hostname:/path, list, site drive', async () => {
    const list = await get('/sites?$filter=displayName eq \'HR\'');
    assert.equal(list.body.value.length, 1);
    const hr = list.body.value[0];
    assert.match(hr.id, /^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    assert.equal(hr.webUrl, 'https://contoso.sharepoint.com/sites/hr');
    for (const key of [hr.id, hr.id.split(',')[1], 'contoso.sharepoint.com:/sites/hr', 'contoso.sharepoint.com:/sites/hr:']) {
      const r = await get(`/sites/${key}`);
      assert.equal(r.status, 200, key);
      assert.equal(r.body.id, hr.id);
    }
    const drive = await get(`/sites/${hr.id}/drive`);
    assert.equal(drive.body.driveType, 'documentLibrary');
    assert.equal((await get(`/sites/${hr.id}/drive/root/children`)).body.value.length, 0);
  });

  test('chats: list, by user, one, members, messages (paged, newest first)', async () => {
    const all = await get('/chats');
    assert.deepEqual(all.body.value.map((c: any) => c.id), [CHAT_ID]);
    const c = all.body.value[0];
    assert.deepEqual([c.chatType, c.topic, c.createdDateTime, c.tenantId], ['group', 'Launch', '2026-05-01T08:00:00.0000000Z', T.source]);
    assert.deepEqual((await get(`/users/${alice}/chats`)).body.value.map((x: any) => x.id), [CHAT_ID]);
    assert.deepEqual((await get(`/users/${U.carol}/chats`)).body.value, []);
    const one = await s.api('GET', `/beta/chats('${CHAT_ID}')`, { token: tok });
    assert.equal(one.body.id, CHAT_ID);
    const members = await get(`/chats/${CHAT_ID}/members`);
    assert.deepEqual(members.body.value.map((m: any) => m.displayName).sort(), ['Alice Adams', 'Bob Brown']);
    assert.equal(members.body.value[0]['@odata.type'], '#microsoft.graph.aadUserConversationMember');
    const msgs = await collect(s, `/beta/chats/${CHAT_ID}/messages?$top=2`, tok);
    assert.equal(msgs.pages, 2);
    assert.deepEqual(msgs.items.map((m) => m.body.content), ['ship it', 'hi', 'hello']);
    const m = msgs.items[0];
    assert.deepEqual([m.messageType, m.from.user.id, m.body.contentType, m.chatId], ['message', alice, 'text', CHAT_ID]);
    const byUser = await get(`/users/${alice}/chats/${CHAT_ID}/messages/${m.id}`);
    assert.equal(byUser.body.id, m.id);
    assert.equal((await get(`/users/${U.carol}/chats/${CHAT_ID}`)).status, 404);
  });

  test('a read permission is required', async () => {
    const none = await s.token(T.target, T.noRoleApp);
    const r = await s.api('GET', '/beta/users', { token: none });
    assert.equal(r.status, 403);
    assert.equal((await s.api('GET', '/beta/users', { token: null })).status, 401);
  });
});
