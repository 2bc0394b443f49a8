// Every registered task refuses a malformed payload with a permanent error: retrying cannot fix a
// payload, so the item must go to work_failures at once instead of burning its retry budget.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { buildTasks } from '../../src/engine/tasks/index.js';
import { isPermanentError, type TaskHelpers } from '../../src/engine/queue.js';
import { startServer, type TestServer } from '../helpers.js';

describe('task payloads', () => {
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
  const tasks = buildTasks({ config: DEFAULTS, clock, validate: async () => new Map() });
  // No store: a handler that touched it before checking its payload would fail with a TypeError instead.
  const helpers = { clock, attempt: 1, abortSignal: new AbortController().signal } as unknown as TaskHelpers;

  for (const name of Object.keys(tasks)) {
    it(`${name}: a payload without its ids is a permanent error`, async () => {
      for (const payload of [{}, null, { jobId: 42, userId: 7, taskId: 9, opSeq: 'x' }]) {
        await assert.rejects(tasks[name]!(payload, helpers), (err: unknown) => {
          assert.ok(isPermanentError(err), `${name} with ${JSON.stringify(payload)} threw ${String(err)}`);
          return true;
        });
      }
    });
  }
});

// The runner tells a permanent error by instanceof where the task ran: in `xtm serve`'s worker thread
// (tsx loads the task code and PermanentError there), and only the verdict leaves that thread.
describe('a permanent error in the worker thread', () => {
  let s: TestServer;
  before(async () => { s = await startServer(); });
  after(() => s?.stop());

  it('gives the item up after its first attempt', async () => {
    assert.equal(s.queue.placement, 'thread');
    await s.queue.enqueue('spo.task', {});
    await s.queue.drain();
    const failures = await s.deps.store.db.selectFrom('work_failures').select(['task', 'attempts', 'last_error']).execute();
    assert.deepEqual(failures, [{ task: 'spo.task', attempts: 1, last_error: 'PermanentError: invalid spo.task payload' }]);
  });
});
