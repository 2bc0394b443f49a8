// Shared by the migration end-to-end tests: admin calls that must succeed, and a clock advance that
// drains the work its timers release.
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers.js';

export async function adminOk(s: TestServer, method: string, path: string, body?: unknown) {
  const res = await s.api(method, `/xtm/admin/${path}`, { token: null, body });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

export async function advanceAndDrain(s: TestServer, by: string) {
  await adminOk(s, 'POST', 'clock/advance', { by });
  // Timers due at the new time become work as the clock moves; drain again in case they landed after the first drain looked.
  await s.queue.drain();
  await new Promise((r) => setTimeout(r, 50));
  await s.queue.drain();
}
