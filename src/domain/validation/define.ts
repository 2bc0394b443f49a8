// Rule constructors: a rule states its code, template and reference once and returns only the
// placeholder values of each failure; the template is filled here, so code and text never drift.
import type { Workload } from '../enums.js';
import type { Finding, TenantRule, UserRule, UserSnapshot, ValidationContext, Values } from './types.js';

/** What a test returns: nothing/false = passed; one or more value sets = one finding each. */
export type Outcome = Values | Values[] | undefined | null | false;

interface Def {
  id: string;
  code: string;
  workloads: readonly Workload[];
  reference: string;
  message: string;
}

export function fill(template: string, values: Values): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

function findings(def: Def, outcome: Outcome): Finding[] {
  if (!outcome) return [];
  const list = Array.isArray(outcome) ? outcome : [outcome];
  return list.map((v) => ({ code: def.code, message: fill(def.message, v) }));
}

export function tenantRule(def: Def & { test(ctx: ValidationContext): Outcome }): TenantRule {
  const { test, ...rest } = def;
  return { ...rest, scope: 'tenant', check: (ctx) => findings(def, test(ctx)) };
}

export function userRule(def: Def & { needsSource: boolean; test(ctx: ValidationContext, user: UserSnapshot): Outcome }): UserRule {
  const { test, ...rest } = def;
  return { ...rest, scope: 'user', check: (ctx, user) => findings(def, test(ctx, user)) };
}

/** Placeholders a template uses, in order (the docs generator and the tests read them). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
