// Fidelity gaps 5 and 6 of issue 25 on a migrating job (demo scenario, Exchange only): a PATCH to a past
// completeAfterDateTime is accepted and the job cuts over at once (crosstenantmigrationjob-update.md);
// cancel is accepted while mailboxes sync and refused (409) once the migration is cutting over, and its
// answer names the job (crosstenantmigrationjob-cancel.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOBS as B, SRC, demoPair, useDemoServer } from '../migration/http.js';
import { assertGraphError } from '../jobs/util.js';

describe('a migrating job', () => {
  const demo = useDemoServer('target');
  const api = (m: string, p: string, body?: unknown) => demo.s.api(m, p, { token: demo.tok, body });
  const status = async (id: string) => (await api('GET', `${B}/${id}`)).body.status as string;

  /** A job of one demo user, validated and migrated to the point where its mailbox waits (synced) for completeAfterDateTime. */
  async function syncedJob(name: string, pair: number) {
    const c = await api('POST', B, {
      displayName: name, completeAfterDateTime: new Date(demo.s.clock.nowMs() + 30 * 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users',
      resources: [demoPair(pair).tgt], workloads: ['Exchange'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    });
    assert.equal(c.status, 201, c.text);
    assert.equal((await api('POST', `${B}/${c.body.id}/validate`)).status, 200);
    await demo.s.queue.drain();
    assert.equal((await api('POST', `${B}/${c.body.id}/migrate`)).status, 200);
    await demo.s.queue.drain();
    assert.equal(await status(c.body.id), 'inProgress');
    return c.body as { id: string; displayName: string };
  }

  it('gap 5: PATCH to a past completeAfterDateTime → 204, and the job cuts over without waiting (it was a 422)', async () => {
    const job = await syncedJob('patch into the past', 1);
    const past = new Date(demo.s.clock.nowMs() - 60_000).toISOString();
    const r = await api('PATCH', `${B}/${job.id}`, { completeAfterDateTime: past });
    assert.equal(r.status, 204, r.text);
    assert.equal((await api('GET', `${B}/${job.id}`)).body.completeAfterDateTime, past);
    // gap 6: the migration is now in progress (cutting over; the worker may already have moved it on): cancel is
    // refused and the migration continues.
    assertGraphError(await api('POST', `${B}/${job.id}/cancel`), 409, 'Conflict', /^Cancel is not possible\. Current status is (inProgress|cuttingOver|completed)$/);
    await demo.s.queue.drain();
    assert.equal(await status(job.id), 'completed');
  });

  it('gap 6: cancel while the mailbox syncs → 202 with the job\'s id and displayName beside status and message', async () => {
    const job = await syncedJob('cancel while syncing', 2);
    const r = await api('POST', `${B}/${job.id}/cancel`);
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.body, {
      '@odata.context': `${demo.s.url}/beta/$metadata#microsoft.graph.crossTenantMigrationCancelResponse`,
      id: job.id, displayName: job.displayName, status: 'pendingCancel', message: 'cancellation request has been accepted for the migration job',
    });
    await demo.s.queue.drain();
    assert.equal(await status(job.id), 'cancelled');
  });
});
