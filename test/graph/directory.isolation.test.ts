// Tenant isolation on every read endpoint: a target-tenant token never sees a source object, by id or in a list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, type TestServer } from '../helpers.js';
import { CHAT_ID, TARGET_CHAT_ID, U, startWorld, userId } from './fixtures.js';

describe('tenant isolation', () => {
  let s: TestServer;
  let src: string; // source-tenant token (the objects' own tenant)
  let tgt: string; // target-tenant token
  const ids: Record<string, string> = {};

  before(async () => {
    s = await startWorld();
    src = await s.token(T.source, T.app);
    tgt = await s.token(T.target, T.app);
    const get = async (path: string) => (await s.api('GET', `/beta${path}`, { token: src })).body;
    ids.alice = await userId(s, T.source, U.alice);
    ids.group = (await get('/groups')).value[0].id;
    ids.inbox = (await get(`/users/${ids.alice}/mailFolders/inbox`)).id;
    ids.message = (await get(`/users/${ids.alice}/mailFolders/inbox/messages?$top=1`)).value[0].id;
    ids.event = (await get(`/users/${ids.alice}/events`)).value[0].id;
    ids.contact = (await get(`/users/${ids.alice}/contacts`)).value[0].id;
    const drive = await get(`/users/${ids.alice}/drive`);
    ids.drive = drive.id;
    ids.item = (await get(`/users/${ids.alice}/drive/root/children`)).value[0].id;
    const hr = (await get(`/sites?$filter=displayName eq 'HR'`)).value[0];
    ids.site = hr.id;
    ids.chatMessage = (await get(`/chats/${CHAT_ID}/messages?$top=1`)).value[0].id;
  });
  after(() => s.stop());

  test('every read by id of a source object answers 404 to the target tenant (and 200 to its own)', async () => {
    const { alice, group, inbox, message, event, contact, drive, item, site, chatMessage } = ids;
    const paths = [
      `/users/${alice}`, `/users/${U.alice}`, `/users('${U.alice}')`, `/users/${alice}/assignedLicenses`,
      `/groups/${group}`, `/groups/${group}/members`,
      `/users/${alice}/mailFolders`, `/users/${alice}/mailFolders/inbox`, `/users/${alice}/mailFolders/${inbox}`,
      `/users/${alice}/mailFolders/${inbox}/childFolders`, `/users/${alice}/mailFolders/${inbox}/messages`,
      `/users/${alice}/mailFolders/${inbox}/messages/${message}`, `/users/${alice}/messages`, `/users/${alice}/messages/${message}`,
      `/users/${alice}/events`, `/users/${alice}/events/${event}`, `/users/${alice}/contacts`, `/users/${alice}/contacts/${contact}`,
      `/users/${alice}/drive`, `/users/${alice}/drive/root`, `/users/${alice}/drive/root/children`, `/users/${alice}/drive/items/${item}`,
      `/users/${alice}/drive/items/${item}/children`, `/users/${alice}/drive/items/${item}/permissions`,
      `/drives/${drive}`, `/drives/${drive}/root/children`, `/drives/${drive}/items/${item}`, `/drives/${drive}/items/${item}/permissions`,
      `/drives/${drive}/root:/notes.txt`,
      `/sites/${site}`, `/sites/${site.split(',')[1]}`, '/sites/contoso.sharepoint.com:/sites/hr', `/sites/${site}/drive`,
      `/chats/${CHAT_ID}`, `/chats/${CHAT_ID}/members`, `/chats/${CHAT_ID}/messages`, `/chats/${CHAT_ID}/messages/${chatMessage}`,
      `/users/${alice}/chats`, `/users/${alice}/chats/${CHAT_ID}`, `/users/${alice}/chats/${CHAT_ID}/messages`,
    ];
    for (const p of paths) {
      const own = await s.api('GET', `/beta${p}`, { token: src });
      assert.equal(own.status, 200, `own tenant ${p}: ${own.text}`);
      const other = await s.api('GET', `/beta${p}`, { token: tgt });
      assert.equal(other.status, 404, `target tenant ${p}: ${other.status} ${other.text}`);
      assert.ok(other.body.error?.code, p);
      assert.ok(!other.text.includes('Alice'), `no source data leaks: ${p}`);
    }
  });

  test('a foreign user id is Request_ResourceNotFound, worded as Graph directory does', async () => {
    const r = await s.api('GET', `/beta/users/${ids.alice}`, { token: tgt });
    assert.equal(r.body.error.code, 'Request_ResourceNotFound');
    assert.equal(r.body.error.message, `Resource '${ids.alice}' does not exist or one of its queried reference-property objects are not present.`);
  });

  test('lists contain only the caller tenant\'s objects', async () => {
    const get = async (path: string) => (await s.api('GET', `/beta${path}`, { token: tgt })).body.value as any[];
    assert.deepEqual((await get('/users')).map((u) => u.userPrincipalName), [U.dave]);
    assert.deepEqual((await get('/groups')).map((g) => g.displayName), ['Target team']);
    assert.deepEqual((await get('/chats')).map((c) => c.id), [TARGET_CHAT_ID]);
    const sites = await get('/sites');
    assert.ok(sites.length >= 1 && sites.every((x) => x.webUrl.startsWith('https://fabrikam')), JSON.stringify(sites));
    const dave = (await get('/users'))[0].id;
    assert.deepEqual((await get(`/users/${dave}/messages`)).map((m) => m.subject), ['Target mail']);
    assert.deepEqual((await get(`/users/${dave}/drive/root/children`)).map((i) => i.name), ['dave.txt']);
    assert.deepEqual((await get(`/users?$filter=userPrincipalName eq '${U.alice}'`)), []);
    assert.equal((await s.api('GET', '/beta/users/$count', { token: tgt })).text, '1');
    const org = await get('/organization');
    assert.deepEqual(org.map((o) => o.id), [T.target]);
  });
});
