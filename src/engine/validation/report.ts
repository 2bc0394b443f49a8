// The readiness report `xtm validate` prints: a table of users × workloads, each failing check
// under its user, and totals; or the same facts as JSON for tooling.
import type { Workload } from '../../domain/enums.js';
import type { MigrationJob, ServiceStatusDetails } from '../../domain/job.js';

export interface ReadinessReport {
  job: { displayName: string; sourceTenantId: string; targetTenantId: string; workloads: Workload[] };
  users: { id: string; userPrincipalName: string | null; ready: boolean; workloads: ServiceStatusDetails[] }[];
  totals: { users: number; ready: number; notReady: number; errors: number; byWorkload: Record<string, { valid: number; invalid: number }> };
}

export function buildReport(job: MigrationJob, results: Map<string, ServiceStatusDetails[]>, upns: Map<string, string>): ReadinessReport {
  const byWorkload: Record<string, { valid: number; invalid: number }> = {};
  for (const w of job.workloads) byWorkload[w] = { valid: 0, invalid: 0 };
  let errors = 0;
  const users = [...results].map(([id, statuses]) => {
    for (const s of statuses) {
      byWorkload[s.service]![s.status === 'valid' ? 'valid' : 'invalid'] += 1;
      errors += s.errors.length;
    }
    return { id, userPrincipalName: upns.get(id) ?? null, ready: statuses.every((s) => s.status === 'valid'), workloads: statuses };
  });
  const ready = users.filter((u) => u.ready).length;
  return {
    job: { displayName: job.displayName, sourceTenantId: job.sourceTenantId, targetTenantId: job.tenantId, workloads: job.workloads },
    users,
    totals: { users: users.length, ready, notReady: users.length - ready, errors, byWorkload },
  };
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

export function renderReport(r: ReadinessReport): string {
  const ws = r.job.workloads;
  const nameWidth = Math.max(4, ...r.users.map((u) => (u.userPrincipalName ?? u.id).length)) + 2;
  const col = 14;
  const lines = [
    `Readiness of "${r.job.displayName}": ${r.job.sourceTenantId} -> ${r.job.targetTenantId}, ${r.totals.users} user(s), workloads ${ws.join(', ')}`,
    '',
    pad('USER', nameWidth) + ws.map((w) => pad(w.toUpperCase(), col)).join('').trimEnd(),
  ];
  for (const u of r.users) {
    const cells = u.workloads.map((s) => pad(s.status === 'valid' ? 'valid' : `${s.status} (${s.errors.length})`, col));
    lines.push(pad(u.userPrincipalName ?? u.id, nameWidth) + cells.join('').trimEnd());
    for (const s of u.workloads) for (const e of s.errors) lines.push(`    ${s.service} ${e.code}: ${e.message}`);
  }
  const per = ws.map((w) => `${w} ${r.totals.byWorkload[w]!.valid}/${r.totals.users} valid`).join(', ');
  lines.push('', `Totals: ${r.totals.ready} of ${r.totals.users} user(s) ready, ${r.totals.notReady} not ready; ${per}; ${r.totals.errors} failing check(s).`);
  return `${lines.join('\n')}\n`;
}
