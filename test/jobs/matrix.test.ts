// The allowed-operation matrix: every status (except unknownFutureValue) × validate / migrate / cancel /
// delete / patch, one test per cell. The expectations are written from the reference documents
// (graph-api-surface.md §3.3, §5.4–5.9, §12; migration-domain.md rules 39, 45–47), not from the code;
// each cell is also checked against src/domain/jobStateMachine.ts ALLOWED so a drift is reported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, jobBody, type TestServer } from '../helpers.js';
import { ALLOWED } from '../../src/domain/jobStateMachine.js';
import type { JobStatus } from '../../src/domain/enums.js';
import { assertGraphError, B, forceStatus, STATUSES, userIds, type Status } from './util.js';

type Op = 'validate' | 'migrate' | 'cancel' | 'delete' | 'patch';
const OPS: Op[] = ['validate', 'migrate', 'cancel', 'delete', 'patch'];

/**
 * From the documents:
 *  validate — §3.3 / §5.6: only submitted, validateFailed.
 *  migrate  — §3.3 / §5.7: validatePassed (≤ 7 days), completedWithErrors, failed.
 *  cancel   — §3.3: every pre-cutover status (submitted, validate*, processing, inProgress); not cuttingOver or
 *             any final / pending state. approved and adminActionRequired are "?" in §3.3; migration-domain §4.4
 *             places approved with submitted/processing and lets adminActionRequired be left "via an approval or
 *             cancel", so cancel is allowed in both.
 *  delete   — §5.5 / §12 q2: final states completed, completedWithErrors ("surely"), failed, cancelled.
 *  patch    — §5.4 / rule 46: "any point before it passes" and before cutover: submitted, validate*, processing,
 *             inProgress. approved / adminActionRequired are undescribed; kept refused like the code.
 */
const DOC: Record<Op, readonly Status[]> = {
  validate: ['submitted', 'validateFailed'],
  migrate: ['validatePassed', 'completedWithErrors', 'failed'],
  cancel: ['submitted', 'validateSubmitted', 'validateProcessing', 'validateInProgress', 'validatePassed', 'validateFailed', 'processing', 'inProgress', 'approved', 'adminActionRequired'],
  delete: ['completed', 'completedWithErrors', 'failed', 'cancelled'],
  patch: ['submitted', 'validateSubmitted', 'validateProcessing', 'validateInProgress', 'validatePassed', 'validateFailed', 'processing', 'inProgress'],
};

const DAY = 24 * 3600 * 1000;
let s: TestServer;
const users = userIds(1);

before(async () => {
  s = await startServer({ worker: false });
});
after(async () => {
  await s?.stop();
});

async function jobIn(status: Status): Promise<{ id: string; completeAfterDateTime: string }> {
  const res = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
  assert.equal(res.status, 201, res.text);
  await forceStatus(s, res.body.id, status, status === 'validatePassed' ? s.clock.iso() : null);
  return res.body;
}

async function statusOf(id: string): Promise<string> {
  return (await s.api('GET', `${B}/${id}`)).body.status;
}

describe('the documented matrix agrees with src/domain/jobStateMachine.ts ALLOWED', () => {
  for (const op of OPS) {
    it(`${op}: allowed statuses`, () => {
      const code = STATUSES.filter((st) => (ALLOWED[st as JobStatus] ?? []).includes(op));
      assert.deepEqual(code, STATUSES.filter((st) => DOC[op].includes(st)));
    });
  }
});

for (const status of STATUSES) {
  describe(`status ${status}`, () => {
    for (const op of OPS) {
      const allowed = DOC[op].includes(status);
      it(`${op} → ${allowed ? 'allowed' : 'refused (409)'}`, async () => {
        const job = await jobIn(status);
        switch (op) {
          case 'validate': {
            const res = await s.api('POST', `${B}/${job.id}/validate`);
            if (allowed) {
              assert.equal(res.status, 200, res.text);
              assert.equal(res.body.status, 'validateSubmitted');
              assert.equal(res.body.jobType, 'validate');
              assert.equal(await statusOf(job.id), 'validateSubmitted');
            } else {
              assertGraphError(res, 409, 'Conflict', `Validation can't be started because the current status is ${status}.`);
              assert.equal(await statusOf(job.id), status);
            }
            break;
          }
          case 'migrate': {
            const res = await s.api('POST', `${B}/${job.id}/migrate`);
            if (allowed) {
              assert.equal(res.status, 200, res.text);
              assert.equal(res.body.status, 'processing');
              assert.equal(res.body.jobType, 'migrate');
              assert.equal(res.body.message, 'Migration job has been submitted successfully');
              assert.equal(await statusOf(job.id), 'processing');
            } else {
              assertGraphError(res, 409, 'Conflict', `Migration can't be started because the current status is ${status}`);
              assert.equal(await statusOf(job.id), status);
            }
            break;
          }
          case 'cancel': {
            const res = await s.api('POST', `${B}/${job.id}/cancel`);
            if (allowed) {
              assert.equal(res.status, 202, res.text);
              assert.equal(res.body.status, 'pendingCancel');
              assert.equal(res.body.message, 'cancellation request has been accepted for the migration job');
              assert.equal(await statusOf(job.id), 'pendingCancel');
            } else {
              assertGraphError(res, 409, 'Conflict', `Cancel is not possible. Current status is ${status}`);
              assert.equal(await statusOf(job.id), status);
            }
            break;
          }
          case 'delete': {
            const res = await s.api('DELETE', `${B}/${job.id}`);
            if (allowed) {
              assert.equal(res.status, 202, res.text);
              assert.equal(res.text, '');
              assert.equal(await statusOf(job.id), 'pendingDelete');
            } else {
              assertGraphError(res, 409, 'Conflict',
                `Cross Tenant Migration Job ${job.id} must be in final state (Completed, Failed, or Cancelled) before it can be deleted. Current status is ${status}.`);
              assert.equal(await statusOf(job.id), status);
            }
            break;
          }
          case 'patch': {
            const at = new Date(s.clock.nowMs() + 30 * DAY).toISOString();
            const res = await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: at } });
            const after = (await s.api('GET', `${B}/${job.id}`)).body;
            if (allowed) {
              assert.equal(res.status, 204, res.text);
              assert.equal(after.completeAfterDateTime, at);
            } else {
              assertGraphError(res, 409, 'Conflict', `completeAfterDateTime can't be updated: the job is past cutover or in a final state. Current status is ${status}.`);
              assert.equal(after.completeAfterDateTime, job.completeAfterDateTime);
            }
            assert.equal(after.status, status);
            break;
          }
        }
      });
    }
  });
}

describe('time-dependent guards', () => {
  it('cancel in processing / inProgress after completeAfterDateTime has passed → 409 (cutover may have begun)', async () => {
    for (const status of ['processing', 'inProgress'] as const) {
      const res = await s.api('POST', B, { body: jobBody({ resources: users(1), completeAfterDateTime: new Date(s.clock.nowMs() + 60_000).toISOString() }) });
      await forceStatus(s, res.body.id, status);
      s.clock.advance(60_000);
      assertGraphError(await s.api('POST', `${B}/${res.body.id}/cancel`), 409, 'Conflict', `Cancel is not possible. Current status is ${status}`);
    }
  });

  it('migrate from validatePassed without a recorded validation time → 409 expired', async () => {
    const res = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    await forceStatus(s, res.body.id, 'validatePassed', null);
    assertGraphError(await s.api('POST', `${B}/${res.body.id}/migrate`), 409, 'Conflict', 'The validation results expired (more than seven days ago). Revalidate the job before calling migrate.');
  });
});
