// Table-driven rule tests: each case breaks one thing in the all-valid fixture and lists exactly
// which user/workload gets which errors; every other user and workload must stay valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Workload } from '../../src/domain/enums.js';
import { evaluateUsers } from '../../src/domain/validation/evaluate.js';
import { ruleById } from '../../src/domain/validation/registry.js';
import { targetId, validFixture, type Fixture } from './fixture.js';

export type Expected = [code: string, message: string];

export interface Expectation {
  /** 1-based fixture users; default all three. */
  users?: number[];
  workload: Workload;
  errors: Expected[] | ((n: number) => Expected[]);
}

export interface Case {
  /** Job workloads for this case (default all four) — used to isolate a rule whose cause also trips another workload. */
  workloads?: Workload[];
  mutate(f: Fixture): void;
  expect: Expectation[];
}

export type Cases = Record<string, Case>;

export const USERS = [1, 2, 3];
export const u = (f: Fixture, n: number) => f.users[n - 1]!;

export function runCase(ruleId: string, c: Case): void {
  const rule = ruleById(ruleId);
  assert.ok(rule, `rule ${ruleId} is in the registry`);
  const f = validFixture();
  if (c.workloads) f.ctx.job.workloads = c.workloads;
  c.mutate(f);

  // The rule under test fires on its own.
  const own = rule.scope === 'tenant' ? rule.check(f.ctx) : f.users.flatMap((x) => rule.check(f.ctx, x));
  assert.ok(own.length > 0, `${ruleId} reports the broken data`);

  const out = evaluateUsers(f.ctx, f.users, { mode: 'all' });
  for (const n of USERS) {
    for (const w of f.ctx.job.workloads) {
      const want = c.expect
        .filter((e) => e.workload === w && (e.users ?? USERS).includes(n))
        .flatMap((e) => (typeof e.errors === 'function' ? e.errors(n) : e.errors))
        .map(([code, message]) => ({ code, message }));
      const got = out.get(targetId(n))!.find((s) => s.service === w)!;
      assert.deepEqual(
        { status: got.status, errors: got.errors },
        { status: want.length ? 'invalid' : 'valid', errors: want },
        `${ruleId}: user${n} / ${w}`,
      );
      for (const e of got.errors) assert.doesNotMatch(e.message, /\{\w+\}/, `${ruleId}: unfilled placeholder`);
    }
  }
}

export function registerCases(cases: Cases): void {
  for (const [id, c] of Object.entries(cases)) test(`rule ${id}`, () => runCase(id, c));
}
