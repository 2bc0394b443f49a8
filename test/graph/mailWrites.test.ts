// Outlook writes through Graph on the demo: messages (drafts, folders, PATCH, move, send to a modelled
// recipient, delete), mail folders, events, contacts; permissions; reads show what was written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPair, demoToken, useDemoServer } from '../migration/http.js';

const megan = demoPair(1).src;
const alex = demoPair(2).src;
const U = `/beta/users/${megan}`;

describe('mail, calendar and contact writes', () => {
  const demo = useDemoServer();
  const api = (m: string, p: string, body?: unknown) => demo.s.api(m, p, { token: demo.tok, body });

  it('POST /messages creates a draft in Drafts with body and recipients (201), readable by GET', async () => {
    const alexUpn = (await api('GET', `/beta/users/${alex}`)).body.userPrincipalName;
    const r = await api('POST', `${U}/messages`, { subject: 'Staged', body: { contentType: 'html', content: '<p>Hello <b>there</b></p>' }, toRecipients: [{ emailAddress: { address: alexUpn } }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.subject, 'Staged');
    assert.equal(r.body.isDraft, true);
    assert.equal(r.body.bodyPreview, 'Hello there');
    assert.deepEqual(r.body.body, { contentType: 'html', content: '<p>Hello <b>there</b></p>' });
    const drafts = await api('GET', `${U}/mailFolders/drafts`);
    assert.equal(r.body.parentFolderId, drafts.body.id);
    const again = await api('GET', `${U}/messages/${r.body.id}`);
    assert.deepEqual(again.body.toRecipients, [{ emailAddress: { address: alexUpn } }]);

    const patched = await api('PATCH', `${U}/messages/${r.body.id}`, { subject: 'Staged v2', importance: 'high' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.subject, 'Staged v2');
    assert.equal(patched.body.importance, 'high');
    assert.deepEqual(patched.body.body.content, '<p>Hello <b>there</b></p>', 'PATCH keeps what it does not name');

    const send = await api('POST', `${U}/messages/${r.body.id}/send`);
    assert.equal(send.status, 202, send.text);
    const sent = await api('GET', `${U}/mailFolders/sentitems/messages?$filter=subject eq 'Staged v2'`);
    assert.equal(sent.body.value.length, 1);
    assert.equal(sent.body.value[0].isDraft, false);
    const inbox = await api('GET', `/beta/users/${alex}/mailFolders/inbox/messages?$filter=subject eq 'Staged v2'`);
    assert.equal(inbox.body.value.length, 1, 'delivered to the modelled recipient');
    assert.equal(inbox.body.value[0].isRead, false);
  });

  it('messages in a folder, move, delete; mail folders create/rename/delete', async () => {
    const f = await api('POST', `${U}/mailFolders`, { displayName: 'Staging' });
    assert.equal(f.status, 201, f.text);
    assert.equal((await api('POST', `${U}/mailFolders`, { displayName: 'staging' })).status, 409);
    const child = await api('POST', `${U}/mailFolders/${f.body.id}/childFolders`, { displayName: 'Child' });
    assert.equal(child.body.parentFolderId, f.body.id);
    const m = await api('POST', `${U}/mailFolders/${f.body.id}/messages`, { subject: 'In folder' });
    assert.equal(m.body.parentFolderId, f.body.id);
    const moved = await api('POST', `${U}/messages/${m.body.id}/move`, { destinationId: child.body.id });
    assert.equal(moved.status, 201);
    assert.equal(moved.body.parentFolderId, child.body.id);
    assert.equal((await api('PATCH', `${U}/mailFolders/${f.body.id}`, { displayName: 'Staged' })).body.displayName, 'Staged');
    assert.equal((await api('DELETE', `${U}/messages/${m.body.id}`)).status, 204);
    assert.equal((await api('GET', `${U}/messages/${m.body.id}`)).status, 404);
    assert.equal((await api('DELETE', `${U}/mailFolders/${f.body.id}`)).status, 204);
    assert.equal((await api('GET', `${U}/mailFolders/${child.body.id}`)).status, 404);
  });

  it('events and contacts: create, read, PATCH, delete', async () => {
    const e = await api('POST', `${U}/events`, { subject: 'Cutover call', start: { dateTime: '2027-01-15T21:00:00', timeZone: 'UTC' }, end: { dateTime: '2027-01-15T22:00:00', timeZone: 'UTC' }, location: { displayName: 'Teams' } });
    assert.equal(e.status, 201, e.text);
    assert.deepEqual(e.body.start, { dateTime: '2027-01-15T21:00:00', timeZone: 'UTC' });
    assert.equal(e.body.location.displayName, 'Teams');
    const e2 = await api('PATCH', `${U}/events/${e.body.id}`, { subject: 'Cutover call (moved)' });
    assert.equal(e2.body.subject, 'Cutover call (moved)');
    assert.equal(e2.body.location.displayName, 'Teams');
    const c = await api('POST', `${U}/contacts`, { givenName: 'Pat', surname: 'Doe', emailAddresses: [{ address: 'pat@example.com', name: 'Pat Doe' }], businessPhones: ['+1 555 0100'] });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.body.displayName, 'Pat Doe');
    assert.deepEqual(c.body.businessPhones, ['+1 555 0100']);
    assert.equal((await api('GET', `${U}/contacts/${c.body.id}`)).body.emailAddresses[0].address, 'pat@example.com');
    assert.equal((await api('DELETE', `${U}/contacts/${c.body.id}`)).status, 204);
    assert.equal((await api('DELETE', `${U}/events/${e.body.id}`)).status, 204);
  });

  it('bad input is a 400, writes need write roles (403)', async () => {
    assert.equal((await api('POST', `${U}/messages`, { subject: 5 })).status, 400);
    assert.equal((await api('POST', `${U}/events`, { start: 'tomorrow' })).status, 400);
    const tgt = await demoToken(demo.s, 'target');
    const r = await demo.s.api('POST', `/beta/users/${demoPair(1).tgt}/messages`, { token: tgt, body: { subject: 'x' } });
    assert.equal(r.status, 403);
  });
});
