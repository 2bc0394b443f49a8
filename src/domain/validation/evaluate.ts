// Runs the registry over the snapshots and shapes the per-user currentStatus[] entries. Pure: the
// engine loads the snapshots, the runner persists the result.
import type { Workload } from '../enums.js';
import type { ServiceError, ServiceStatusDetails } from '../job.js';
import { RULES } from './registry.js';
import type { Finding, Rule, UserSnapshot, ValidationContext } from './types.js';

export type ValidationMode = 'all' | 'firstFailure';

export interface EvaluateOptions {
  /** 'all' (validate) lists every failing check; 'firstFailure' (migrate) keeps the first per workload. */
  mode: ValidationMode;
  rules?: readonly Rule[];
}

// A rule that throws must not sink the whole batch: the user gets the service's internal-error code.
const internalError = (): Finding => ({
  code: 'CTM-103',
  message:
    'An internal server error occurred during the validation of the user. Please resubmit the user as part of a different batch ' +
    'or contact support if the issue persists.',
});

export function summary(failures: number): string {
  return failures === 0 ? '' : `User failed ${failures} validation check${failures === 1 ? '' : 's'}.`;
}

export function evaluateUsers(ctx: ValidationContext, users: readonly UserSnapshot[], opts: EvaluateOptions): Map<string, ServiceStatusDetails[]> {
  const rules = opts.rules ?? RULES;
  const workloads = ctx.job.workloads;
  const applicable = new Map<Rule, Workload[]>();
  for (const rule of rules) {
    const ws = rule.workloads.filter((w) => workloads.includes(w));
    if (ws.length > 0) applicable.set(rule, ws);
  }
  // Tenant-level rules run once and are reported on every user.
  const tenantFindings = new Map<Rule, Finding[]>();
  for (const rule of applicable.keys()) {
    if (rule.scope !== 'tenant') continue;
    try {
      tenantFindings.set(rule, rule.check(ctx));
    } catch {
      tenantFindings.set(rule, [internalError()]);
    }
  }

  const first = opts.mode === 'firstFailure';
  const result = new Map<string, ServiceStatusDetails[]>();
  for (const user of users) {
    const errors = new Map<Workload, ServiceError[]>(workloads.map((w) => [w, []]));
    for (const [rule, ws] of applicable) {
      if (first && ws.every((w) => errors.get(w)!.length > 0)) continue;
      let found: Finding[];
      if (rule.scope === 'tenant') found = tenantFindings.get(rule)!;
      else if (rule.needsSource && !user.mapping) found = [];
      else {
        try {
          found = rule.check(ctx, user);
        } catch {
          found = [internalError()];
        }
      }
      if (found.length === 0) continue;
      for (const w of ws) {
        const list = errors.get(w)!;
        if (first) {
          if (list.length === 0) list.push({ ...found[0]! });
        } else {
          for (const f of found) list.push({ ...f });
        }
      }
    }
    result.set(
      user.id,
      workloads.map((service) => {
        const errs = errors.get(service)!;
        return { service, status: errs.length ? 'invalid' : 'valid', message: summary(errs.length), errors: errs };
      }),
    );
  }
  return result;
}
