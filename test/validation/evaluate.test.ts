// The evaluator's own behaviour: summaries, migrate's first-failure mode, skipping source checks
// for unmapped users, multiple findings from one rule, and containment of a throwing rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateUsers, summary } from '../../src/domain/validation/evaluate.js';
import { RULES } from '../../src/domain/validation/registry.js';
import { userRule } from '../../src/domain/validation/define.js';
import { targetId, validFixture } from './fixture.js';

const statusOf = (out: ReturnType<typeof evaluateUsers>, n: number, w: string) => out.get(targetId(n))!.find((s) => s.service === w)!;

test('summary message counts the failing checks', () => {
  assert.equal(summary(0), '');
  assert.equal(summary(1), 'User failed 1 validation check.');
  assert.equal(summary(2), 'User failed 2 validation checks.');
});

test('validate lists every failing check in registry order; migrate keeps only the first per workload', () => {
  const f = validFixture();
  const r = f.users[1]!.sourceRecipient!;
  r.holds.litigationHoldEnabled = true;
  r.holds.orgHold = true;
  r.auxArchiveCount = 20;
  f.users[1]!.targetRecipient!.exchangeGuid = null;

  const all = statusOf(evaluateUsers(f.ctx, f.users, { mode: 'all' }), 2, 'Exchange');
  assert.equal(all.status, 'invalid');
  assert.deepEqual(all.errors.map((e) => e.message.slice(0, 40)), [
    'SOURCE mailbox is under Litigation Hold.',
    'SOURCE mailbox is under an Organizationa',
    'The SOURCE mailbox has more than 12 auxA',
    'ExchangeGuid mismatch. Expected value: e',
  ]);
  assert.equal(all.message, 'User failed 4 validation checks.');

  const first = evaluateUsers(f.ctx, f.users, { mode: 'firstFailure' });
  const ex = statusOf(first, 2, 'Exchange');
  assert.deepEqual(ex.errors, [all.errors[0]]);
  assert.equal(ex.message, 'User failed 1 validation check.');
  for (const w of ['ODSP', 'Teams', 'Meeting']) assert.equal(statusOf(first, 2, w).status, 'valid');
});

test('firstFailure reports a tenant-level failure as the first error of each affected workload', () => {
  const f = validFixture();
  f.ctx.source.settings.orchestrator.ctmsAppProvisioned = false;
  f.users[0]!.sourceRecipient!.holds.litigationHoldEnabled = true;
  const out = evaluateUsers(f.ctx, f.users, { mode: 'firstFailure' });
  for (const w of ['Exchange', 'ODSP', 'Teams', 'Meeting']) assert.deepEqual(statusOf(out, 1, w).errors.map((e) => e.code), ['CTM-104']);
});

test('an unmapped user skips the source checks but still gets the target-only checks', () => {
  const f = validFixture();
  const u2 = f.users[1]!;
  u2.mapping = null;
  u2.sourceRecipient!.holds.litigationHoldEnabled = true; // would fail, but the source is unknown
  u2.targetRecipient!.primarySmtpAddress = 'user2@northwind.com'; // target-only: still reported
  const ex = statusOf(evaluateUsers(f.ctx, f.users, { mode: 'all' }), 2, 'Exchange');
  assert.deepEqual(ex.errors.map((e) => e.code), ['CTM-100', 'EXCH-08']);
  assert.match(ex.errors[1]!.message, /^The Primary SMTP address user2@northwind.com/);
});

test('one rule can report several findings (every kind of hold, every missing x500)', () => {
  const f = validFixture();
  const src = f.users[2]!.sourceRecipient!;
  src.holds = { ...src.holds, delayHoldApplied: true, delayReleaseHoldApplied: true, complianceTagHoldApplied: true, inPlaceHolds: ['mbxabc'] };
  src.emailAddresses.push('X500:/o=Old/cn=a', 'x500:/o=Old/cn=b');
  const ex = statusOf(evaluateUsers(f.ctx, f.users, { mode: 'all' }), 3, 'Exchange');
  assert.deepEqual(ex.errors.map((e) => e.message), [
    'SOURCE mailbox is under a Delay Hold. This move is not supported as it would lead into data loss',
    'SOURCE mailbox is under a Delay Release Hold. This move is not supported as it would lead into data loss',
    'SOURCE mailbox has labeled items with a Retention Label. This move is not supported as it would lead into data loss',
    'SOURCE mailbox is under an In-PlaceHold Hold. This move is not supported as it would lead into data loss',
    'X500:/o=Old/cn=a is not present on the TARGET MailUser',
    'x500:/o=Old/cn=b is not present on the TARGET MailUser',
  ]);
});

test('a rule that throws yields CTM-103 for that user instead of failing the batch', () => {
  const f = validFixture();
  const boom = userRule({
    id: 'boom', code: 'X', workloads: ['Teams'], reference: 'test', message: 'never', needsSource: false,
    test: (_ctx, u) => { if (u.id === targetId(3)) throw new Error('bug'); return false; },
  });
  const out = evaluateUsers(f.ctx, f.users, { mode: 'all', rules: [...RULES, boom] });
  assert.deepEqual(statusOf(out, 3, 'Teams').errors.map((e) => e.code), ['CTM-103']);
  assert.equal(statusOf(out, 1, 'Teams').status, 'valid');
});

test('only the job workloads get an entry, in the job order', () => {
  const f = validFixture();
  f.ctx.job.workloads = ['Teams', 'Exchange'];
  const out = evaluateUsers(f.ctx, f.users, { mode: 'all' });
  assert.deepEqual(out.get(targetId(1))!.map((s) => s.service), ['Teams', 'Exchange']);
});

test('a source domain the target registered but has not verified is not a shared domain', () => {
  const f = validFixture();
  f.ctx.target.domains.push({ name: 'contoso.com', isVerified: false, isInitial: false, isDefault: false, acceptedDomainType: 'Authoritative' });
  for (const statuses of evaluateUsers(f.ctx, f.users, { mode: 'all' }).values()) assert.ok(statuses.every((s) => s.status === 'valid'));
});
