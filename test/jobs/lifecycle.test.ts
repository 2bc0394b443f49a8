// One job through its life: addressing (id, alternate key, bare name, case, /v1.0, qualified actions),
// validate with its visible phases, expiry, PATCH, cancel, delete, the users (tasks) and user cancel.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedBasic, startServer, T, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, idFor, ODATA_JSON, userIds } from './util.js';
import { formatDateTimeOffset } from '../../src/domain/dateTime.js';

const PHASE = 60_000;
const DAY = 24 * 3600 * 1000;
const TARGET_USERS = Array.from({ length: 200 }, (_, i) => idFor(i + 1));
const users = userIds(1); // target-tenant users (seeded)
const ghosts = userIds(100_000); // not users of the target tenant

let s: TestServer;

before(async () => {
  s = await startServer({ worker: false, phaseDelayMs: PHASE }, { seed: (store) => seedBasic(store, { source: [], target: TARGET_USERS }) });
});
after(async () => {
  await s?.stop();
});

const enc = encodeURIComponent;
/** The test clock's now as Graph writes instants. */
const graphNow = () => formatDateTimeOffset(s.clock.iso());
async function create(over: Record<string, unknown> = {}) {
  const res = await s.api('POST', B, { body: jobBody({ resources: users(2), ...over }) });
  assert.equal(res.status, 201, res.text);
  return res.body as Record<string, any> & { id: string; displayName: string };
}
async function get(id: string) {
  const res = await s.api('GET', `${B}/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}
async function tasks(id: string) {
  const res = await s.api('GET', `${B}/${id}/users`);
  assert.equal(res.status, 200, res.text);
  return res.body.value as { id: string; currentStatus: { service: string; status: string; message: string; errors: { code: string; message: string }[] }[] }[];
}
/** Runs the three phases of a validation (each due phaseDelayMs after the previous). */
async function step() {
  s.clock.advance(PHASE);
  await s.queue.drain();
}
async function finishValidation() {
  for (let i = 0; i < 3; i++) await step();
}

describe('addressing a job', () => {
  let job: Awaited<ReturnType<typeof create>>;
  before(async () => {
    job = await create({ displayName: "O'Brien" });
  });

  it('GET by id → 200 with $entity context', async () => {
    const res = await s.api('GET', `${B}/${job.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), ODATA_JSON);
    assert.equal(res.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs/$entity`);
    assert.deepEqual(res.body, job);
  });

  it("GET by ('id') (quoted key) and upper-case id", async () => {
    assert.equal((await s.api('GET', `${B}('${job.id}')`)).body.id, job.id);
    assert.equal((await s.api('GET', `${B}/${job.id.toUpperCase()}`)).body.id, job.id);
  });

  it("GET by (displayName='O''Brien'), literal and percent-encoded", async () => {
    for (const path of [`${B}(displayName='O''Brien')`, `${B}${enc("(displayName='O''Brien')")}`, `${B}(displayname='o''brien')`]) {
      const res = await s.api('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(res.body.id, job.id);
      assert.equal(res.body.displayName, "O'Brien");
    }
  });

  it('GET by bare display name in the key segment', async () => {
    const named = await create({ displayName: 'Batch Seven' });
    const res = await s.api('GET', `${B}/${enc('Batch Seven')}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.id, named.id);
    assert.equal((await s.api('GET', `${B}/${enc("O'Brien")}`)).body.id, job.id);
  });

  it('unknown id, name or alternate key → 404 itemNotFound', async () => {
    const ghost = '0b0b0b0b-0000-4000-8000-000000000000';
    assertGraphError(await s.api('GET', `${B}/${ghost}`), 404, 'itemNotFound', `The crossTenantMigrationJob '${ghost}' was not found.`);
    assertGraphError(await s.api('GET', `${B}/nobody`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nobody' was not found.");
    assertGraphError(await s.api('GET', `${B}(displayName='nobody')`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nobody' was not found.");
    assertGraphError(await s.api('GET', `${B}(sourceTenantId='x')`), 400, 'BadRequest', "'sourceTenantId' is not an alternate key of microsoft.graph.crossTenantMigrationJob. Use displayName.");
  });

  it('path segments are case-insensitive', async () => {
    for (const path of [`/beta/Solutions/Migrations/CrossTenantMigrationJobs/${job.id}`, `/BETA/solutions/migrations/crosstenantmigrationjobs/${job.id}`]) {
      const res = await s.api('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(res.body.id, job.id);
    }
    const list = await s.api('GET', `/beta/Solutions/Migrations/CrossTenantMigrationJobs/${job.id}/Users`);
    assert.equal(list.status, 200);
    assert.equal(list.body.value.length, 2);
  });

  it('trailing and duplicate slashes are tolerated', async () => {
    assert.equal((await s.api('GET', `${B}/${job.id}/`)).body.id, job.id);
    assert.equal((await s.api('GET', `/beta//solutions/migrations//crossTenantMigrationJobs/${job.id}`)).body.id, job.id);
    assert.equal((await s.api('GET', `${B}/`)).status, 200);
  });

  it('/v1.0 prefix works and is reflected in @odata.context', async () => {
    const res = await s.api('GET', `/v1.0/solutions/migrations/crossTenantMigrationJobs/${job.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body['@odata.context'], `${s.url}/v1.0/$metadata#solutions/migrations/crossTenantMigrationJobs/$entity`);
    const list = await s.api('GET', '/v1.0/solutions/migrations/crossTenantMigrationJobs');
    assert.equal(list.body['@odata.context'], `${s.url}/v1.0/$metadata#solutions/migrations/crossTenantMigrationJobs`);
  });

  it('$select on a single job', async () => {
    const res = await s.api('GET', `${B}/${job.id}?$select=displayName,status`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      '@odata.context': `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs(displayName,status)/$entity`,
      id: job.id, displayName: "O'Brien", status: 'submitted',
    });
    assertGraphError(await s.api('GET', `${B}/${job.id}?$top=1`), 400, 'BadRequest', "Query option '$top' is not supported on this resource.");
  });

  it('fully qualified actions microsoft.graph.validate / cancel, also by alternate key', async () => {
    const a = await create();
    const v = await s.api('POST', `${B}/${a.id}/microsoft.graph.validate`);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.status, 'validateSubmitted');
    const c = await s.api('POST', `${B}(displayName='${a.displayName}')/microsoft.graph.cancel`);
    assert.equal(c.status, 202, c.text);
    assert.equal(c.body.status, 'pendingCancel');

    const b = await create({ displayName: 'Alt key actions' });
    const v2 = await s.api('POST', `${B}(displayName='Alt key actions')/validate`);
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.body.id, b.id);
    assert.equal((await s.api('POST', `${B}/${enc('Alt key actions')}/cancel`)).status, 202);
  });

  it('migrationsRoot GET → 200', async () => {
    const res = await s.api('GET', '/beta/solutions/migrations');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { '@odata.context': `${s.url}/beta/$metadata#solutions/migrations/$entity`, id: T.target });
  });
});

describe('validate', () => {
  it('→ 200 validateSubmitted with the action context; phases observable step by step; GET never advances', async () => {
    const job = await create({ workloads: ['Exchange', 'Teams'] });
    const res = await s.api('POST', `${B}/${job.id}/validate`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('content-type'), ODATA_JSON);
    const submittedAt = graphNow();
    assert.deepEqual(res.body, {
      ...job,
      '@odata.context': `${s.url}/beta/$metadata#microsoft.graph.crossTenantMigrationJob`,
      status: 'validateSubmitted',
      jobType: 'validate',
      message: 'Validation job has been submitted successfully',
      lastUpdatedDateTime: submittedAt,
    });

    // Nothing moves without time passing, however often it is read or drained.
    for (let i = 0; i < 2; i++) assert.equal((await get(job.id)).status, 'validateSubmitted');
    await s.queue.drain();
    assert.equal((await get(job.id)).status, 'validateSubmitted');
    s.clock.advance(PHASE - 1);
    await s.queue.drain();
    assert.equal((await get(job.id)).status, 'validateSubmitted');
    for (const t of await tasks(job.id)) assert.ok(t.currentStatus.every((c) => c.status === 'notStarted'));

    s.clock.advance(1);
    await s.queue.drain();
    const p1 = await get(job.id);
    const p2 = await get(job.id);
    assert.equal(p1.status, 'validateProcessing');
    assert.deepEqual(p2, p1);
    assert.equal(p1.message, 'Validation is being set up.');
    assert.equal(p1.lastUpdatedDateTime, graphNow());

    await step();
    const q = await get(job.id);
    assert.equal(q.status, 'validateInProgress');
    assert.equal(q.message, 'Prerequisite checks are running.');
    assert.deepEqual(await get(job.id), q);
    for (const t of await tasks(job.id)) assert.deepEqual(t.currentStatus.map((c) => c.status), ['inProgress', 'inProgress']);

    await step();
    const done = await get(job.id);
    assert.equal(done.status, 'validatePassed');
    assert.equal(done.jobType, 'validate');
    assert.equal(done.message, 'Validation has completed successfully with no failures.');
    assert.equal(done.lastUpdatedDateTime, graphNow());
    for (const t of await tasks(job.id)) {
      assert.deepEqual(t.currentStatus, [
        { service: 'Exchange', status: 'valid', message: '', errors: [] },
        { service: 'Teams', status: 'valid', message: '', errors: [] },
      ]);
    }
    await step();
    assert.deepEqual(await get(job.id), done, 'nothing happens after the verdict');
  });

  it('→ validateFailed when a resource is not a target user; per-user invalid with errors; validate again allowed', async () => {
    const [good] = users(1);
    const [ghost] = ghosts(1);
    const job = await create({ resources: [good, ghost], workloads: ['Teams', 'ODSP'] });
    assert.equal((await s.api('POST', `${B}/${job.id}/validate`)).status, 200);
    await finishValidation();
    const j = await get(job.id);
    assert.equal(j.status, 'validateFailed');
    assert.equal(j.message, 'Validation has completed with failures. 1 of 2 users failed one or more checks; see the users of this job for details.');
    const [tg, tb] = await tasks(job.id);
    assert.equal(tg!.id, good);
    assert.deepEqual(tg!.currentStatus.map((c) => [c.service, c.status, c.errors.length]), [['Teams', 'valid', 0], ['ODSP', 'valid', 0]]);
    assert.equal(tb!.id, ghost);
    for (const c of tb!.currentStatus) {
      assert.equal(c.status, 'invalid');
      assert.equal(c.message, 'User failed 1 validation check(s).');
      assert.deepEqual(c.errors, [{ code: 'MigrationRecipientNotFoundException', message: `A recipient wasn't found for "${ghost}" on the target. Create a recipient of the appropriate type for this migration on the target and try again.` }]);
    }
    // validateFailed → validate again: back to validateSubmitted with fresh notStarted statuses.
    const again = await s.api('POST', `${B}/${job.id}/validate`);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'validateSubmitted');
    for (const t of await tasks(job.id)) assert.ok(t.currentStatus.every((c) => c.status === 'notStarted' && c.errors.length === 0), JSON.stringify(t));
    await finishValidation();
    assert.equal((await get(job.id)).status, 'validateFailed');
  });

  it('→ every user invalid (MIGR-001) when the source tenant does not exist', async () => {
    const job = await create({ sourceTenantId: '12121212-1212-4212-8212-121212121212', workloads: ['Teams'] });
    await s.api('POST', `${B}/${job.id}/validate`);
    await finishValidation();
    assert.equal((await get(job.id)).status, 'validateFailed');
    for (const t of await tasks(job.id)) {
      assert.equal(t.currentStatus[0]!.status, 'invalid');
      assert.equal(t.currentStatus[0]!.errors[0]!.code, 'MIGR-001');
    }
  });

  it('a second validate while validating → 409', async () => {
    const job = await create();
    await s.api('POST', `${B}/${job.id}/validate`);
    assertGraphError(await s.api('POST', `${B}/${job.id}/validate`), 409, 'Conflict', "Validation can't be started because the current status is validateSubmitted.");
  });

  it('users removed from the batch are not validated and do not fail it', async () => {
    const [good] = users(1);
    const [ghost] = ghosts(1);
    const job = await create({ resources: [good, ghost], workloads: ['Teams'] });
    assert.equal((await s.api('POST', `${B}/${job.id}/users/${ghost}/cancel`)).status, 202);
    await s.queue.drain();
    await s.api('POST', `${B}/${job.id}/validate`);
    await finishValidation();
    assert.equal((await get(job.id)).status, 'validatePassed');
    const byId = Object.fromEntries((await tasks(job.id)).map((t) => [t.id, t.currentStatus[0]!.status]));
    assert.deepEqual(byId, { [good!]: 'valid', [ghost!]: 'cancelled' });
  });

  it('cancel during validation wins: the pending phase does not overwrite cancelled', async () => {
    const job = await create();
    await s.api('POST', `${B}/${job.id}/validate`);
    await step();
    await step();
    assert.equal((await get(job.id)).status, 'validateInProgress');
    assert.equal((await s.api('POST', `${B}/${job.id}/cancel`)).status, 202);
    await s.queue.drain();
    await step();
    await step();
    const j = await get(job.id);
    assert.equal(j.status, 'cancelled');
    for (const t of await tasks(job.id)) assert.ok(t.currentStatus.every((c) => c.status === 'cancelled'), JSON.stringify(t));
  });
});

describe('migrate and the 7-day validation lifetime', () => {
  it('7 days - 1 s after the pass → 200 processing; after 7 days + 1 s → 409 expired', async () => {
    const job = await create();
    await s.api('POST', `${B}/${job.id}/validate`);
    await finishValidation();
    assert.equal((await get(job.id)).status, 'validatePassed');
    s.clock.advance(7 * DAY + 1000);
    assertGraphError(await s.api('POST', `${B}/${job.id}/migrate`), 409, 'Conflict', 'The validation results expired (more than seven days ago). Revalidate the job before calling migrate.');
    assert.equal((await get(job.id)).status, 'validatePassed', 'a refused migrate changes nothing');

    const fresh = await create();
    await s.api('POST', `${B}/${fresh.id}/validate`);
    await finishValidation();
    s.clock.advance(7 * DAY - 1000);
    const ok = await s.api('POST', `${B}/${fresh.id}/microsoft.graph.migrate`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'processing');
    assert.equal(ok.body.jobType, 'migrate');
  });

  it('an expired validatePassed job can be revalidated (the 409 says "Revalidate the job")', async () => {
    const job = await create();
    await s.api('POST', `${B}/${job.id}/validate`);
    await finishValidation();
    s.clock.advance(7 * DAY + 1000);
    assertGraphError(await s.api('POST', `${B}/${job.id}/migrate`), 409, 'Conflict', /Revalidate the job before calling migrate\.$/);
    const again = await s.api('POST', `${B}/${job.id}/validate`);
    assert.equal(again.status, 200, `expired validation must not be a dead end: ${again.text}`);
    assert.equal(again.body.status, 'validateSubmitted');
    await finishValidation();
    const m = await s.api('POST', `${B}/${job.id}/migrate`);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.body.status, 'processing');
  });

  it('migrate before validation → 409', async () => {
    const job = await create();
    assertGraphError(await s.api('POST', `${B}/${job.id}/migrate`), 409, 'Conflict', "Migration can't be started because the current status is submitted");
  });
});

describe('PATCH completeAfterDateTime', () => {
  it('→ 204 and GET shows it (also by alternate key)', async () => {
    const job = await create();
    const at = new Date(s.clock.nowMs() + 30 * DAY).toISOString();
    const res = await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: at } });
    assert.equal(res.status, 204, res.text);
    assert.equal(res.text, '');
    const j = await get(job.id);
    assert.equal(j.completeAfterDateTime, at);
    assert.equal(j.lastUpdatedDateTime, graphNow());
    const at2 = new Date(s.clock.nowMs() + 40 * DAY).toISOString();
    assert.equal((await s.api('PATCH', `${B}(displayName='${job.displayName}')`, { body: { completeAfterDateTime: at2, '@odata.type': '#microsoft.graph.crossTenantMigrationJob' } })).status, 204);
    assert.equal((await get(job.id)).completeAfterDateTime, at2);
  });

  it('another property → 400 naming it; unknown property, missing or wrong value → 400', async () => {
    const job = await create();
    const at = new Date(s.clock.nowMs() + DAY).toISOString();
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: at, displayName: 'renamed' } }), 400, 'BadRequest',
      "Only updates to the completeAfterDateTime are supported. The property 'displayName' can't be updated.", { target: 'displayName' });
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { status: 'completed' } }), 400, 'BadRequest',
      "Only updates to the completeAfterDateTime are supported. The property 'status' can't be updated.", { target: 'status' });
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { foo: 1 } }), 400, 'BadRequest',
      "The property 'foo' does not exist on type 'microsoft.graph.crossTenantMigrationJob'. Make sure to only use property names that are defined by the type or mark the type as open type.", { target: 'foo' });
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: {} }), 400, 'BadRequest', "The required property 'completeAfterDateTime' is missing.");
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: 5 } }), 400, 'BadRequest', "Invalid value for property 'completeAfterDateTime': must be a DateTimeOffset string.");
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: 'soon' } }), 400, 'BadRequest', "Invalid value for property 'completeAfterDateTime': 'soon' is not a valid DateTimeOffset.");
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: [at] }), 400, 'BadRequest', 'The request body must be a JSON object with completeAfterDateTime.');
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { raw: '{' }), 400, 'BadRequest', /Unable to read JSON request payload/);
    assert.equal((await get(job.id)).completeAfterDateTime, job.completeAfterDateTime, 'nothing changed');
  });

  it('to the past → 204 (the update page: the job starts processing); it has then passed, so a later PATCH → 409', async () => {
    const job = await create();
    const past = new Date(s.clock.nowMs() - 1000).toISOString();
    assert.equal((await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: past } })).status, 204);
    assert.equal((await get(job.id)).completeAfterDateTime, past);
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: new Date(s.clock.nowMs() + DAY).toISOString() } }), 409, 'Conflict',
      "completeAfterDateTime can't be updated: the current completeAfterDateTime has already passed. Current status is submitted.");
  });

  it('after completeAfterDateTime has passed → 409', async () => {
    const job = await create({ completeAfterDateTime: new Date(s.clock.nowMs() + 3600_000).toISOString() });
    s.clock.advance(3600_000 + 1000);
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: new Date(s.clock.nowMs() + DAY).toISOString() } }), 409, 'Conflict',
      "completeAfterDateTime can't be updated: the current completeAfterDateTime has already passed. Current status is submitted.");
  });

  it('unknown job → 404', async () => {
    assertGraphError(await s.api('PATCH', `${B}/nope`, { body: { completeAfterDateTime: new Date(s.clock.nowMs() + DAY).toISOString() } }), 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
  });
});

describe('cancel and delete', () => {
  it('cancel → 202 cancel response, pendingCancel, then (drain) cancelled with every workload cancelled', async () => {
    const job = await create({ resources: users(3), workloads: ['Exchange', 'ODSP'] });
    const res = await s.api('POST', `${B}/${job.id}/cancel`);
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, {
      '@odata.context': `${s.url}/beta/$metadata#microsoft.graph.crossTenantMigrationCancelResponse`,
      id: job.id,
      displayName: job.displayName,
      status: 'pendingCancel',
      message: 'cancellation request has been accepted for the migration job',
    });
    const pending = await get(job.id);
    assert.equal(pending.status, 'pendingCancel');
    assert.equal(pending.message, 'cancellation request has been accepted for the migration job');
    for (const t of await tasks(job.id)) assert.ok(t.currentStatus.every((c) => c.status === 'pendingCancel'));
    assertGraphError(await s.api('POST', `${B}/${job.id}/cancel`), 409, 'Conflict', 'Cancel is not possible. Current status is pendingCancel');

    await s.queue.drain();
    const j = await get(job.id);
    assert.equal(j.status, 'cancelled');
    assert.equal(j.message, 'The batch has been cancelled.');
    const ts = await tasks(job.id);
    assert.equal(ts.length, 3);
    for (const t of ts) assert.deepEqual(t.currentStatus.map((c) => [c.service, c.status]), [['Exchange', 'cancelled'], ['ODSP', 'cancelled']]);
    assertGraphError(await s.api('POST', `${B}/${job.id}/cancel`), 409, 'Conflict', 'Cancel is not possible. Current status is cancelled');
  });

  it('delete → 202 (no body), pendingDelete, then (drain) deleted: tasks purged, display name reusable', async () => {
    const job = await create({ displayName: 'To be deleted' });
    assertGraphError(await s.api('DELETE', `${B}/${job.id}`), 409, 'Conflict',
      `Cross Tenant Migration Job ${job.id} must be in final state (Completed, Failed, or Cancelled) before it can be deleted. Current status is submitted.`);
    await s.api('POST', `${B}/${job.id}/cancel`);
    await s.queue.drain();
    const res = await s.api('DELETE', `${B}/${job.id}`);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.text, '');
    const pending = await get(job.id);
    assert.equal(pending.status, 'pendingDelete');
    assert.equal(pending.message, 'Deletion request has been accepted for the migration job.');
    assertGraphError(await s.api('DELETE', `${B}/${job.id}`), 409, 'Conflict', /^Cross Tenant Migration Job .* Current status is pendingDelete\.$/);

    await s.queue.drain();
    const gone = await get(job.id);
    assert.equal(gone.status, 'deleted');
    assert.equal(gone.message, 'The batch data has been deleted.');
    assert.deepEqual(gone.resources, []);
    assert.equal(gone.exchangeSettings, null);
    const list = await s.api('GET', `${B}/${job.id}/users`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.value, []);
    assert.equal((await s.api('GET', `${B}/${job.id}/users/$count`)).text, '0');
    assert.equal(Number((await s.deps.store.db.selectFrom('migration_tasks').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', job.id).executeTakeFirstOrThrow()).n), 0);

    const again = await s.api('POST', B, { body: jobBody({ displayName: 'To be deleted', resources: job.resources }) });
    assert.equal(again.status, 201, again.text);
    const byName = await s.api('GET', `${B}(displayName='To be deleted')`);
    assert.equal(byName.body.id, again.body.id, 'the name now addresses the new job');
  });
});

describe('users (tasks)', () => {
  let job: Awaited<ReturnType<typeof create>>;
  before(async () => {
    job = await create({ resources: users(3), workloads: ['Teams', 'Meeting'] });
  });

  it('list, get ($entity context), $count, $select', async () => {
    const list = await s.api('GET', `${B}/${job.id}/users`);
    assert.deepEqual(list.body.value.map((t: { id: string }) => t.id), job.resources);
    const [first] = job.resources as string[];
    const one = await s.api('GET', `${B}/${job.id}/users/${first}`);
    assert.equal(one.status, 200);
    assert.equal(one.headers.get('content-type'), ODATA_JSON);
    assert.deepEqual(one.body, {
      '@odata.context': `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs('${job.id}')/users/$entity`,
      ...list.body.value[0],
    });
    assert.equal((await s.api('GET', `${B}/${job.id}/users/${first!.toUpperCase()}`)).body.id, first);
    assert.equal((await s.api('GET', `${B}/${job.id}/users('${first}')`)).body.id, first);
    const count = await s.api('GET', `${B}/${job.id}/users/$count`);
    assert.equal(count.status, 200);
    assert.match(String(count.headers.get('content-type')), /^text\/plain/);
    assert.equal(count.text, '3');
    const sel = await s.api('GET', `${B}/${job.id}/users?$select=currentStatus`);
    assert.equal(sel.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs('${job.id}')/users(currentStatus)`);
    assert.deepEqual(Object.keys(sel.body.value[0]), ['id', 'currentStatus']);
    const byName = await s.api('GET', `${B}(displayName='${job.displayName}')/users`);
    assert.equal(byName.body.value.length, 3);
  });

  it('unknown user → 404; users of an unknown job → 404', async () => {
    const [ghost] = ghosts(1);
    assertGraphError(await s.api('GET', `${B}/${job.id}/users/${ghost}`), 404, 'itemNotFound', `The crossTenantMigrationTask '${ghost}' was not found.`);
    assertGraphError(await s.api('GET', `${B}/nope/users`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
    assertGraphError(await s.api('GET', `${B}/nope/users/${ghost}`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
    assertGraphError(await s.api('GET', `${B}/nope/users/$count`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
  });

  it('user cancel → 202, then the task workloads are cancelled (others untouched); second cancel → 409; unknown → 404', async () => {
    const [u1, u2, u3] = job.resources as string[];
    const res = await s.api('POST', `${B}/${job.id}/users/${u1}/cancel`);
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, {
      '@odata.context': `${s.url}/beta/$metadata#microsoft.graph.crossTenantMigrationCancelResponse`,
      status: 'Accepted',
      message: `Cancellation request for user id: ${u1} from batch: ${job.id} was accepted.`,
    });
    await s.queue.drain();
    const byId = Object.fromEntries((await tasks(job.id)).map((t) => [t.id, t.currentStatus.map((c) => c.status)]));
    assert.deepEqual(byId, { [u1!]: ['cancelled', 'cancelled'], [u2!]: ['notStarted', 'notStarted'], [u3!]: ['notStarted', 'notStarted'] });
    assert.equal((await get(job.id)).status, 'submitted', 'the job itself is unaffected');

    assertGraphError(await s.api('POST', `${B}/${job.id}/users/${u1}/cancel`), 409, 'Conflict', 'Cancel is not possible. Current status is cancelled');

    const q = await s.api('POST', `${B}/${job.id}/users/${u2!.toUpperCase()}/microsoft.graph.cancel`);
    assert.equal(q.status, 202, q.text);
    assert.equal(q.body.message, `Cancellation request for user id: ${u2} from batch: ${job.id} was accepted.`);

    const [ghost] = ghosts(1);
    assertGraphError(await s.api('POST', `${B}/${job.id}/users/${ghost}/cancel`), 404, 'itemNotFound',
      `Cancellation not possible as no task found for given id ${ghost} in crossTenantMigrationJob '${job.displayName}'.`);
    assertGraphError(await s.api('POST', `${B}/nope/users/${u3}/cancel`), 404, 'itemNotFound', "The crossTenantMigrationJob 'nope' was not found.");
  });

  it('user cancel in a cancelled job → 409 with the user status', async () => {
    const j = await create();
    await s.api('POST', `${B}/${j.id}/cancel`);
    await s.queue.drain();
    assertGraphError(await s.api('POST', `${B}/${j.id}/users/${j.resources[0]}/cancel`), 409, 'Conflict', 'Cancel is not possible. Current status is cancelled');
  });
});

describe('concurrent actions', () => {
  it('ten concurrent validates → one 200, nine 409; one validation runs', async () => {
    const job = await create();
    const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('POST', `${B}/${job.id}/validate`)));
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    // One pending item with the key: runnable now (work_items) or waiting for its clock time (work_timers).
    const items = await s.deps.store.db.selectFrom('work_items').select('id').where('job_key', '=', `validate:${job.id}`).execute();
    const timers = await s.deps.store.db.selectFrom('work_timers').select('id').where('job_key', '=', `validate:${job.id}`).execute();
    assert.equal(items.length + timers.length, 1);
    await finishValidation();
    assert.equal((await get(job.id)).status, 'validatePassed');
  });

  it('concurrent cancels and PATCHes → exactly one cancel wins, the rest 409', async () => {
    const job = await create();
    const at = new Date(s.clock.nowMs() + 20 * DAY).toISOString();
    const rs = await Promise.all([
      ...Array.from({ length: 5 }, () => s.api('POST', `${B}/${job.id}/cancel`)),
      ...Array.from({ length: 5 }, () => s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: at } })),
    ]);
    const cancels = rs.slice(0, 5).map((r) => r.status);
    assert.equal(cancels.filter((x) => x === 202).length, 1, JSON.stringify(cancels));
    assert.ok(rs.every((r) => [202, 204, 409].includes(r.status)), rs.map((r) => r.status).join(','));
    await s.queue.drain();
    assert.equal((await get(job.id)).status, 'cancelled');
  });
});
