// `xtm validate --scenario FILE --job JOB.json [--json]`: loads the scenario into an in-memory store,
// builds the job from a Graph-style create body and runs the same runValidation as the service,
// then prints a readiness report. Exit code: 0 all valid, 1 some invalid, 2 usage/input error.
import { readFileSync } from 'node:fs';
import { Clock } from '../clock.js';
import { openStore, type Store } from '../store/db.js';
import { loadScenario } from '../tenants/scenario/index.js';
import { runValidation } from '../engine/validation/runValidation.js';
import { JobInputError, jobFromBody } from '../engine/validation/offlineJob.js';
import { buildReport, renderReport } from '../engine/validation/report.js';
import { DEFAULTS } from '../config.js';
import { createJobIssues } from '../graph/migrationJobs/createCheck.js';
import { directoryRepo } from '../store/directoryRepo.js';

export interface ValidateOfflineOptions { scenario: string; job: string; json: boolean }
type Load = (store: Store, clock: Clock, path: string) => Promise<unknown>;
const loadFile: Load = (store, clock, path) => loadScenario(store, clock, { path });
interface Io { out: (text: string) => void; err: (text: string) => void }
const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function validateOffline(opts: ValidateOfflineOptions, deps: { load?: Load; io?: Io } = {}): Promise<number> {
  const io = deps.io ?? stdio;
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(opts.job, 'utf8'));
  } catch (e) {
    io.err(`xtm validate: cannot read the job file ${opts.job}: ${message(e)}\n`);
    return 2;
  }
  const store = await openStore(':memory:');
  try {
    const clock = new Clock();
    try {
      await (deps.load ?? loadFile)(store, clock, opts.scenario);
    } catch (e) {
      io.err(`xtm validate: cannot load the scenario ${opts.scenario}: ${message(e)}\n`);
      return 2;
    }
    return await validateLoaded(store, body, { json: opts.json, nowMs: clock.nowMs(), io });
  } finally {
    await store.close();
  }
}

/** The part after loading: also used by tests on a store they filled themselves. */
export async function validateLoaded(store: Store, body: unknown, o: { json: boolean; nowMs: number; io?: Io }): Promise<number> {
  const io = o.io ?? stdio;
  const tenants = await directoryRepo.tenantIds(store);
  let job;
  try {
    job = jobFromBody(body, tenants, new Date(o.nowMs).toISOString());
    job = { ...job, resources: await resolveResources(store, job.tenantId, job.resources) };
  } catch (e) {
    if (!(e instanceof JobInputError)) throw e;
    io.err(`xtm validate: ${e.message}\n`);
    return 2;
  }
  // The server's create-time checks (same schema, same rules), every issue listed; UPNs are resolved first.
  const issues = createJobIssues({ ...(body as Record<string, unknown>), resources: job.resources }, { callerTenantId: job.tenantId, nowMs: o.nowMs, maxBatchSize: DEFAULTS.maxBatchSize });
  if (issues.length) {
    io.err(`xtm validate: the job would be refused by POST crossTenantMigrationJobs (${issues.length} issue${issues.length === 1 ? '' : 's'}):\n${issues.map((m) => `  - ${m}\n`).join('')}`);
    return 2;
  }
  const ids = [...new Set(job.resources)];
  const results = await runValidation(store, job, ids, { nowMs: o.nowMs, mode: 'all' });
  const upns = await directoryRepo.userPrincipalNames(store, job.tenantId, ids);
  const report = buildReport(job, results, upns);
  io.out(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.totals.notReady > 0 ? 1 : 0;
}

/** Resources are target object ids; offline, a target UPN is accepted too and resolved here. */
async function resolveResources(store: Store, targetTenantId: string, resources: string[]): Promise<string[]> {
  const upns = [...new Set(resources.filter((r) => r.includes('@')).map((r) => r.toLowerCase()))];
  if (upns.length === 0) return resources;
  const found = await directoryRepo.userIdsByUpn(store, targetTenantId, upns);
  const missing = upns.filter((u) => !found.has(u));
  if (missing.length) throw new JobInputError(`no target user with UPN ${missing.join(', ')} in tenant ${targetTenantId}`);
  return resources.map((r) => (r.includes('@') ? found.get(r.toLowerCase())! : r));
}
