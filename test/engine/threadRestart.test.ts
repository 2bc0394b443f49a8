// A worker thread that dies (here: an uncaught error thrown from a task's code) is replaced: the API
// keeps answering, the item the dead runner held is released by the stale-lock sweep, and the new
// thread finishes the validation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobBody, startServer } from '../helpers.js';

const CRASH_ONCE = { module: new URL('./crashOnceValidation.ts', import.meta.url).href, export: 'crashOnce' };
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';

describe('worker thread supervision', () => {
  it('a thread that died is started again and the job still finishes', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'xtm-restart-'));
    const marker = join(tmp, 'crashed');
    process.env.XTM_TEST_CRASH_MARKER = marker; // a worker thread copies the environment when it starts
    const s = await startServer({}, { validate: CRASH_ONCE });
    try {
      assert.equal(s.queue.placement, 'thread');
      const created = await s.api('POST', B, { body: jobBody() });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = (created.body as { id: string }).id;
      assert.equal((await s.api('POST', `${B}/${id}/validate`)).status, 200);
      for (let i = 0; i < 100 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(marker), 'the first validation ran and crashed its thread');
      assert.equal((await s.api('GET', `${B}/${id}`)).status, 200, 'the API answers while the thread is replaced');
      await s.queue.drain();
      assert.match(String(((await s.api('GET', `${B}/${id}`)).body as { status: string }).status), /^validate(Passed|Failed)$/);
    } finally {
      delete process.env.XTM_TEST_CRASH_MARKER;
      await s.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
