// Chat messages posted through Graph: 201 with the chatMessage, listed afterwards, in the change log;
// the sender must be a member; writes need a write permission.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPair, demoToken, useDemoServer } from '../migration/http.js';

const megan = demoPair(1).src;

describe('chat message writes', () => {
  const demo = useDemoServer();

  it('POST /chats/{id}/messages as a member: 201, then listed, and recorded in the change log', async () => {
    const chats = await demo.s.api('GET', `/beta/users/${megan}/chats`, { token: demo.tok });
    assert.equal(chats.status, 200, chats.text);
    const chatId = chats.body.value[0].id as string;
    const r = await demo.s.api('POST', `/beta/chats/${encodeURIComponent(chatId)}/messages`, { token: demo.tok, body: { body: { content: 'Staged before the move' }, from: { user: { id: megan } } } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.body.content, 'Staged before the move');
    assert.equal(r.body.from.user.id, megan);
    assert.match(r.body.id, /^\d+$/);
    const list = await demo.s.api('GET', `/beta/chats/${encodeURIComponent(chatId)}/messages?$top=50`, { token: demo.tok });
    assert.ok(list.body.value.some((m: any) => m.id === r.body.id));
    const log = await demo.s.deps.store.db.selectFrom('changes').select('op').where('kind', '=', 'chatMessage').where('item_id', '=', r.body.id).execute();
    assert.deepEqual(log.map((c) => c.op), ['add']);
    const stranger = await demo.s.api('POST', `/beta/chats/${encodeURIComponent(chatId)}/messages`, { token: demo.tok, body: { body: { content: 'x' }, from: { user: { id: '00000000-0000-4000-8000-000000000000' } } } });
    assert.equal(stranger.status, 403);
    assert.equal((await demo.s.api('POST', `/beta/chats/${encodeURIComponent(chatId)}/messages`, { token: demo.tok, body: { body: {} } })).status, 400);
  });

  it('the target migration app (read roles only) cannot post', async () => {
    const tgt = await demoToken(demo.s, 'target');
    const r = await demo.s.api('POST', `/beta/chats/19%3Aanything%40thread.v2/messages`, { token: tgt, body: { body: { content: 'x' } } });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'Authorization_RequestDenied');
  });
});
