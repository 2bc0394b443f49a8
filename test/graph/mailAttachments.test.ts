// Message file attachments through Graph on the demo: POST a fileAttachment (base64 contentBytes), read it
// back (list, one, $value, under /messages and /mailFolders/{id}/messages), hasAttachments, delete;
// attachments sent with sendMail reach a same-tenant recipient with the same bytes; bad input and
// permissions; the sweep keeps the bytes while a message's document names them.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { adminOk, demoPair, demoToken, useDemoServer } from '../migration/http.js';
import { assertGraphError } from '../jobs/util.js';

const megan = demoPair(1).src;
const alex = demoPair(2).src;
const U = `/beta/users/${megan}`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SEVEN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

describe('message attachments', () => {
  const demo = useDemoServer();
  const api = (m: string, p: string, body?: unknown, token = demo.tok) => demo.s.api(m, p, { token, body });
  const draft = async (subject: string) => (await api('POST', `${U}/messages`, { subject })).body.id as string;
  const bytesOf = async (path: string) => {
    const r = await fetch(`${demo.s.url}${path}`, { headers: { authorization: `Bearer ${demo.tok}` } });
    return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
  };

  it('POST …/attachments stores a fileAttachment (201, Graph shape); list, get, $value and the folder path read the same bytes', async () => {
    const id = await draft('With a report');
    const bytes = randomBytes(150_000);
    const r = await api('POST', `${U}/messages/${id}/attachments`, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'report.pdf', contentBytes: bytes.toString('base64') });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body['@odata.context'], `${demo.s.url}/beta/$metadata#users('${megan}')/messages('${id}')/attachments/$entity`);
    const { '@odata.context': _, lastModifiedDateTime, id: attId, contentBytes, ...rest } = r.body;
    assert.deepEqual(rest, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'report.pdf', contentType: 'application/pdf', size: bytes.length, isInline: false, contentId: null, contentLocation: null });
    assert.match(lastModifiedDateTime, SEVEN);
    assert.equal(sha(Buffer.from(contentBytes, 'base64')), sha(bytes));

    assert.equal((await api('GET', `${U}/messages/${id}`)).body.hasAttachments, true);
    const list = await api('GET', `${U}/messages/${id}/attachments`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.value.map((a: any) => [a.id, a.name, a.size]), [[attId, 'report.pdf', bytes.length]]);
    const one = await api('GET', `${U}/mailFolders/drafts/messages/${id}/attachments/${attId}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(sha(Buffer.from(one.body.contentBytes, 'base64')), sha(bytes));
    const raw = await bytesOf(`${U}/messages/${id}/attachments/${attId}/$value`);
    assert.deepEqual([raw.status, raw.type, sha(raw.bytes)], [200, 'application/pdf', sha(bytes)]);

    // A PATCH of the message keeps its attachments; DELETE removes one (204), and hasAttachments follows.
    assert.equal((await api('PATCH', `${U}/messages/${id}`, { subject: 'With a report (v2)' })).status, 200);
    assert.equal((await api('GET', `${U}/messages/${id}/attachments`)).body.value.length, 1);
    assert.equal((await api('DELETE', `${U}/messages/${id}/attachments/${attId}`)).status, 204);
    assert.deepEqual((await api('GET', `${U}/messages/${id}/attachments`)).body.value, []);
    assert.equal((await api('GET', `${U}/messages/${id}`)).body.hasAttachments, false);
    assertGraphError(await api('GET', `${U}/messages/${id}/attachments/${attId}`), 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  });

  it('sendMail with a file attachment: the recipient\'s copy has it, same bytes', async () => {
    const bytes = randomBytes(2048);
    const alexUpn = (await api('GET', `/beta/users/${alex}`)).body.userPrincipalName as string;
    const subject = `attached ${randomBytes(4).toString('hex')}`;
    const sent = await api('POST', `${U}/sendMail`, { message: { subject, toRecipients: [{ emailAddress: { address: alexUpn } }], attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'notes.txt', contentBytes: bytes.toString('base64') }] } });
    assert.equal(sent.status, 202, sent.text);
    const inbox = await api('GET', `/beta/users/${alex}/mailFolders/inbox/messages?$filter=subject eq '${subject}'`);
    const m = inbox.body.value[0];
    assert.equal(m?.hasAttachments, true, inbox.text);
    const att = (await api('GET', `/beta/users/${alex}/messages/${m.id}/attachments`)).body.value[0];
    assert.deepEqual([att.name, att.contentType, att.size, sha(Buffer.from(att.contentBytes, 'base64'))], ['notes.txt', 'text/plain', 2048, sha(bytes)]);
  });

  it('bad input → 400 naming it; unknown message → 404; the read-only migration app cannot add one (403)', async () => {
    const id = await draft('Bad attachments');
    const post = (body: unknown) => api('POST', `${U}/messages/${id}/attachments`, body);
    assertGraphError(await post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'x.bin', contentBytes: 'not base64!' }), 400, 'RequestBodyRead', /Edm\.Binary/, { target: 'attachment.contentBytes' });
    assertGraphError(await post({ '@odata.type': '#microsoft.graph.fileAttachment', contentBytes: 'AAAA' }), 400, 'BadRequest', "The required property 'attachment.name' is missing.");
    assertGraphError(await post({ '@odata.type': '#microsoft.graph.itemAttachment', name: 'an event', item: {} }), 400, 'invalidRequest', /file attachments .* only; '#microsoft\.graph\.itemAttachment' is not supported/);
    assertGraphError(await api('POST', `${U}/messages/nope/attachments`, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'x', contentBytes: 'AAAA' }), 404, 'ErrorItemNotFound', /./);
    const tgt = await demoToken(demo.s, 'target');
    assert.equal((await api('POST', `${U}/messages/${id}/attachments`, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'x', contentBytes: 'AAAA' }, tgt)).status, 403);
    assert.deepEqual((await api('GET', `${U}/messages/${id}/attachments`)).body.value, [], 'nothing was added');
  });

  it('the sweep keeps attached bytes while a message names them, and frees them once none does', async () => {
    const id = await draft('Swept');
    const bytes = randomBytes(4096);
    const a = (await api('POST', `${U}/messages/${id}/attachments`, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'keep.bin', contentBytes: bytes.toString('base64') })).body;
    const stored = () => demo.s.deps.store.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha(bytes)).executeTakeFirst();
    await adminOk(demo.s, 'POST', 'clock/advance', { by: 'PT2H' });
    await adminOk(demo.s, 'POST', 'content/sweep', {});
    assert.ok(await stored(), 'still named by the message');
    assert.equal(sha((await bytesOf(`${U}/messages/${id}/attachments/${a.id}/$value`)).bytes), sha(bytes));
    assert.equal((await api('DELETE', `${U}/messages/${id}`)).status, 204);
    for (let i = 0; i < 2; i++) { // the message's documents first, then the bytes they named
      await adminOk(demo.s, 'POST', 'clock/advance', { by: 'PT2H' });
      await adminOk(demo.s, 'POST', 'content/sweep', {});
    }
    assert.equal(await stored(), undefined);
  });
});
