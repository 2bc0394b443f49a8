// One test per registry rule: break exactly that rule in the all-valid fixture and assert the code
// and filled-in message on exactly the affected user(s) and workload(s); all else stays valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES } from '../../src/domain/validation/registry.js';
import { evaluateUsers } from '../../src/domain/validation/evaluate.js';
import { placeholders } from '../../src/domain/validation/define.js';
import { registerCases, type Cases } from './harness.js';
import { validFixture } from './fixture.js';
import { generalCases } from './cases.general.js';
import { exchangeTenantCases } from './cases.exchangeTenant.js';
import { exchangeUserCases } from './cases.exchangeUser.js';
import { odspCases } from './cases.odsp.js';
import { teamsCases } from './cases.teams.js';

const ALL_CASES: Cases = { ...generalCases, ...exchangeTenantCases, ...exchangeUserCases, ...odspCases, ...teamsCases };

test('the all-valid fixture passes every rule on every workload', () => {
  const f = validFixture();
  for (const [id, statuses] of evaluateUsers(f.ctx, f.users, { mode: 'all' })) {
    for (const s of statuses) assert.deepEqual({ status: s.status, errors: s.errors, message: s.message }, { status: 'valid', errors: [], message: '' }, `${id} ${s.service}`);
  }
});

test('every registry rule has exactly one breaking case, and ids are unique', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
  assert.deepEqual(ids.filter((id) => !(id in ALL_CASES)), [], 'rules without a case');
  assert.deepEqual(Object.keys(ALL_CASES).filter((id) => !ids.includes(id)), [], 'cases for unknown rules');
});

test('every rule declares a code, reference, workloads and a message template with named placeholders', () => {
  for (const r of RULES) {
    assert.ok(r.code && r.reference && r.message && r.workloads.length > 0, r.id);
    assert.doesNotMatch(r.message.replace(/\{\w+\}/g, ''), /[{}]/, `${r.id}: stray brace in template`);
    assert.equal(r.scope === 'tenant' || typeof r.needsSource === 'boolean', true, r.id);
  }
  assert.deepEqual(placeholders('a {x} b {y}'), ['x', 'y']);
});

registerCases(ALL_CASES);
