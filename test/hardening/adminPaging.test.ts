// Issue 16 item 14: admin list endpoints are paged as Graph pages (100 by default, $top up to 999,
// @odata.nextLink with a keyset $skiptoken), so a 100k-user tenant never answers in one response.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, T, type TestServer } from '../helpers.js';
import { assertGraphError } from '../jobs/util.js';

let s: TestServer;
before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml', worker: false }, { seed: async () => {} });
});
after(() => s.stop());
const admin = (method: string, path: string) => s.api(method, path.startsWith('http') ? new URL(path).pathname + new URL(path).search : `/xtm/admin${path}`, {});

async function walk(first: string): Promise<{ pages: number; ids: string[] }> {
  const ids: string[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const res = await admin('GET', next);
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.value.map((v: { id: string }) => v.id));
    next = res.body['@odata.nextLink'];
    pages++;
    assert.ok(pages < 1000);
  }
  return { pages, ids };
}

describe('admin lists are paged (item 14)', () => {
  for (const kind of ['users', 'groups', 'sites']) {
    it(`${kind}: $top pages follow @odata.nextLink to every object exactly once`, async () => {
      const all = await walk(`/tenants/${T.source}/${kind}?$top=999`);
      assert.ok(all.ids.length >= 2, `${kind}: ${all.ids.length}`);
      const small = await walk(`/tenants/${T.source}/${kind}?$top=1`);
      assert.equal(small.pages, all.ids.length);
      assert.deepEqual(small.ids, all.ids);
      assert.equal(new Set(small.ids).size, small.ids.length);
    });
  }

  it('the default page is at most 100 and bad $top/$skiptoken are 400s', async () => {
    const first = await admin('GET', `/tenants/${T.source}/users`);
    assert.ok(first.body.value.length <= 100);
    assertGraphError(await admin('GET', `/tenants/${T.source}/users?$top=0`), 400, 'BadRequest', /\$top/);
    assertGraphError(await admin('GET', `/tenants/${T.source}/users?$top=abc`), 400, 'BadRequest', /\$top/);
    assertGraphError(await admin('GET', `/tenants/${T.source}/users?$skiptoken=zzz`), 400, 'BadRequest', /skiptoken/);
  });
});
