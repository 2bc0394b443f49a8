// Issue 23: API replicas on one PostgreSQL store agree. Read-your-writes across replicas: a write
// committed on A is never followed by an older answer on B (B's cache holds the job when A writes it);
// a token from A is accepted on B (shared signing key, issuer = --public-url); one admin key for all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobBody, startServer, type TestServer } from '../helpers.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';

const skip = (await pgUnreachable()) ?? false;
const J = '/beta/solutions/migrations/crossTenantMigrationJobs';

describe('replicas on one PostgreSQL store', { skip }, () => {
  let pg: TempDatabase;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    pg = await createTempDatabase('replicas');
    const cfg = { db: pg.url, publicUrl: 'http://xtm.example:8080' };
    a = await startServer(cfg);
    b = await startServer({ ...cfg, worker: false }, { seed: async () => undefined });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.drop();
  });

  it('a token issued by A is accepted by B; both issue for the public URL', async () => {
    const token = await a.token();
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string; tid: string };
    assert.equal(payload.iss, `http://xtm.example:8080/${payload.tid}/v2.0`);
    const r = await b.api('GET', J, { token });
    assert.equal(r.status, 200, r.text);
    const discovery = (await (await fetch(`${b.url}/${payload.tid}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string };
    assert.equal(discovery.issuer, payload.iss);
  });

  it('every replica has the same admin key (through the store)', () => {
    assert.ok(a.admin?.key);
    assert.equal(b.admin?.key, a.admin?.key);
  });

  it('1,000 read-after-write pairs across replicas: B never answers older state than A committed', async () => {
    const token = await a.token();
    const created = await a.api('POST', J, { token, body: jobBody() });
    assert.equal(created.status, 201, created.text);
    const path = `${J}/${created.body.id}`;
    let stale = 0;
    for (let i = 0; i < 1000; i++) {
      assert.equal((await b.api('GET', path, { token })).status, 200); // B caches the job as it is now
      const when = new Date(Date.parse('2026-12-01T00:00:00Z') + (i + 1) * 60_000).toISOString().replace('.000', '');
      const w = await a.api('PATCH', path, { token, body: { completeAfterDateTime: when } });
      assert.ok(w.status < 300, w.text);
      const r = await b.api('GET', path, { token });
      if (Date.parse(r.body.completeAfterDateTime) !== Date.parse(when)) stale++;
    }
    assert.equal(stale, 0, `${stale} stale reads on B`);
  });
});
