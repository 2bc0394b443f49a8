// Every registered task refuses a malformed payload with a permanent error: retrying cannot fix a
// payload, so the item must go to work_failures at once instead of burning its retry budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { buildTasks } from '../../src/engine/tasks/index.js';
import { isPermanentError, type TaskHelpers } from '../../src/engine/queue.js';

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
