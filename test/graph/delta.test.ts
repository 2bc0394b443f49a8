// Delta queries: first pass paged by nextLink, a deltaLink, then only what changed (deletions as
// @removed), opaque tokens per collection, and 410 for a token older than the retained history.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminOk, demoPair, demoToken, useDemoServer } from '../migration/http.js';

const megan = demoPair(1).src;
const U = `/beta/users/${megan}`;

describe('delta queries', () => {
  const demo = useDemoServer();
  const api = (m: string, p: string, body?: unknown, headers?: Record<string, string>) => demo.s.api(m, p, { token: demo.tok, body, headers });
  const rel = (link: string) => link.slice(demo.s.url.length);

  /** Follows nextLinks to the deltaLink; returns every entry and the deltaLink. */
  async function drain(path: string, pageSize = 2) {
    const all: any[] = [];
    let next: string | undefined = path;
    let pages = 0;
    for (;;) {
      const r = await api('GET', next!, undefined, { prefer: `odata.maxpagesize=${pageSize}` });
      assert.equal(r.status, 200, r.text);
      all.push(...r.body.value);
      pages++;
      if (r.body['@odata.nextLink']) next = rel(r.body['@odata.nextLink']);
      else return { all, deltaLink: rel(r.body['@odata.deltaLink'] as string), pages };
    }
  }

  it('messages/delta: first pass pages, then only changes; deletions as @removed', async () => {
    const folder = (await api('POST', `${U}/mailFolders`, { displayName: 'Delta' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api('POST', `${U}/mailFolders/${folder}/messages`, { subject: `m${i}` })).body.id);
    const first = await drain(`${U}/mailFolders/${folder}/messages/delta`);
    assert.ok(first.pages >= 3, 'paged with nextLink');
    assert.deepEqual(first.all.map((m) => m.id).sort(), [...ids].sort());
    assert.match(first.deltaLink, /\$deltatoken=/);

    const empty = await drain(first.deltaLink);
    assert.deepEqual(empty.all, []);

    await api('PATCH', `${U}/messages/${ids[0]}`, { subject: 'changed' });
    await api('DELETE', `${U}/messages/${ids[1]}`);
    const added = (await api('POST', `${U}/mailFolders/${folder}/messages`, { subject: 'new' })).body.id;
    await api('POST', `${U}/events`, { subject: 'not a message', start: { dateTime: '2027-01-01T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-01-01T11:00:00', timeZone: 'UTC' } });
    const second = await drain(first.deltaLink, 10);
    const byId = new Map(second.all.map((m) => [m.id, m]));
    assert.equal(byId.get(ids[0])?.subject, 'changed');
    assert.deepEqual(byId.get(ids[1])?.['@removed'], { reason: 'deleted' });
    assert.equal(byId.get(added)?.subject, 'new');
    assert.equal(second.all.length, 3, 'the event is not reported in a message delta');
    assert.deepEqual((await drain(second.deltaLink)).all, [], 'the new deltaLink starts after those changes');
  });

  it('contacts/delta and calendarView/delta (needs a window)', async () => {
    const c0 = await drain(`${U}/contacts/delta`, 50);
    const c = (await api('POST', `${U}/contacts`, { givenName: 'Delta', surname: 'Person' })).body.id;
    const c1 = await drain(c0.deltaLink);
    assert.deepEqual(c1.all.map((x) => x.id), [c]);
    assert.equal((await api('GET', `${U}/calendarView/delta`)).status, 400);
    const win = `startDateTime=2030-01-01T00:00:00Z&endDateTime=2030-02-01T00:00:00Z`;
    const e0 = await drain(`${U}/calendarView/delta?${win}`);
    assert.deepEqual(e0.all, []);
    const inside = (await api('POST', `${U}/events`, { subject: 'in', start: { dateTime: '2030-01-10T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2030-01-10T11:00:00', timeZone: 'UTC' } })).body.id;
    const e1 = await drain(e0.deltaLink);
    assert.deepEqual(e1.all.map((x) => x.id), [inside]);
  });

  it('drive/root/delta: items, then changes with deleted items', async () => {
    const D = `/beta/users/${megan}/drive`;
    const d0 = await drain(`${D}/root/delta`, 3);
    assert.ok(d0.all.length > 0);
    assert.match(d0.deltaLink, /[?&]token=/);
    const put = await fetch(`${demo.s.url}${D}/root:/delta.txt:/content`, { method: 'PUT', headers: { authorization: `Bearer ${demo.tok}`, 'content-type': 'text/plain' }, body: 'x' }).then((r) => r.json()) as any;
    const d1 = await drain(d0.deltaLink);
    assert.deepEqual(d1.all.map((x) => x.name), ['delta.txt']);
    await api('DELETE', `${D}/items/${put.id}`);
    const d2 = await drain(d1.deltaLink);
    assert.deepEqual(d2.all.map((x) => [x.id, x.deleted?.state, x['@removed']?.reason]), [[put.id, 'deleted', 'deleted']]);
  });

  it('a token from another collection is a 400; a token past the retained history is 410 Gone', async () => {
    const c0 = await drain(`${U}/contacts/delta`, 50);
    const token = c0.deltaLink.split('$deltatoken=')[1];
    const r = await api('GET', `/beta/users/${demoPair(2).src}/contacts/delta?$deltatoken=${token}`);
    assert.equal(r.status, 400);
    assert.equal((await api('GET', `${U}/contacts/delta?$deltatoken=garbage`)).status, 400);
    await adminOk(demo.s, 'POST', 'clock/advance', { by: 'P31D' });
    const old = await api('GET', c0.deltaLink);
    assert.equal(old.status, 410);
    assert.equal(old.body.error.code, 'syncStateNotFound');
  });
});
