// `xtm jobs …` and `xtm users …`: the job API over Graph, as the tenant's app (see api.ts for how the
// CLI finds the server and gets its token). Reads take --json; exit 0 success, 1 the server said no
// (or, with --wait / watch, the job failed), 2 usage or unreachable.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CliError, graphOptions, jobPath, listAll, print, runCli, XtmClient, type ServerOpts } from './api.js';
import { watchJob } from './watch.js';
import { table } from './table.js';

const JOBS = '/solutions/migrations/crossTenantMigrationJobs';
type Job = { id: string; displayName: string; status: string; completeAfterDateTime?: string; resources?: string[]; workloads?: string[]; lastUpdatedDateTime?: string; createdDateTime?: string };
type Task = { id: string; currentStatus: { service: string; status: string; message?: string; errors?: { code: string; message: string }[] }[] };

const ENDED = new Set(['validatePassed', 'validateFailed', 'completed', 'completedWithErrors', 'failed', 'cancelled', 'deleted']);
const FAILED = new Set(['validateFailed', 'completedWithErrors', 'failed', 'cancelled']);

/** Polls the job until its status leaves the running ones; exit 0 when it ended well, 1 otherwise. */
async function waitFor(c: XtmClient, ref: string, ms: number): Promise<number> {
  for (;;) {
    const job = (await c.graph('GET', jobPath(ref))).body as Job;
    if (ENDED.has(job.status) || job.status === 'inProgress' || job.status === 'adminActionRequired') {
      console.log(`${job.displayName}: ${job.status}`);
      return FAILED.has(job.status) || job.status === 'adminActionRequired' ? 1 : 0;
    }
    await new Promise((r) => setTimeout(r, ms));
  }
}

const userLine = (t: Task) => t.currentStatus.map((s) => `${s.service}=${s.status}${s.errors?.length ? ` (${s.errors.map((e) => `${e.code}: ${e.message}`).join('; ')})` : ''}`).join('  ');

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('cross-tenant migration jobs (Graph API, as the target tenant\'s app)');
  const client = (o: ServerOpts) => new XtmClient(o, 'target');

  graphOptions(jobs.command('list').description('list the jobs'))
    .option('--status <status>', 'only jobs with this status').option('--json', 'print JSON')
    .action((o) => runCli(async () => {
      const c = client(o);
      const filter = o.status ? `&$filter=${encodeURIComponent(`status eq '${o.status}'`)}` : '';
      const all = await listAll<Job>(c, `${JOBS}?$select=id,displayName,status,completeAfterDateTime,resources${filter}`);
      print(o.json, all, () => (all.length ? table(['id', 'displayName', 'status', 'users', 'completeAfter'], all.map((j) => [j.id, j.displayName, j.status, String(j.resources?.length ?? ''), j.completeAfterDateTime ?? ''])) : 'no jobs'));
    }));

  graphOptions(jobs.command('show <job>').description('one job (id or display name) and its users\' statuses'))
    .option('--json', 'print JSON').action((ref, o) => runCli(async () => {
      const c = client(o);
      const job = (await c.graph('GET', jobPath(ref))).body as Job;
      const users = await listAll<Task>(c, `${jobPath(job.id)}/users`);
      print(o.json, { ...job, users }, () => [
        `${job.displayName}  ${job.id}`,
        `  status: ${job.status}   complete after: ${job.completeAfterDateTime ?? '-'}   workloads: ${(job.workloads ?? []).join(', ')}`,
        ...users.map((u) => `  ${u.id}  ${userLine(u)}`),
      ].join('\n'));
    }));

  graphOptions(jobs.command('create').description('create a job from a JSON body (as POSTed to crossTenantMigrationJobs)'))
    .requiredOption('--file <file>', 'the job body as JSON ("-" reads stdin)').option('--name <displayName>', 'override displayName').option('--json', 'print the created job as JSON')
    .action((o) => runCli(async () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(readFileSync(o.file === '-' ? 0 : o.file, 'utf8'));
      } catch (e) {
        throw new CliError(`can't read the job body ${o.file}: ${(e as Error).message}`, 2);
      }
      if (o.name) body.displayName = o.name;
      const job = (await client(o).graph('POST', JOBS, body)).body as Job;
      print(o.json, job, () => `created ${job.displayName} ${job.id} (${job.status})`);
    }));

  for (const action of ['validate', 'migrate'] as const) {
    graphOptions(jobs.command(`${action} <job>`).description(action === 'validate' ? 'run the validation checks (--wait: exit 1 when a user is not ready)' : 'start the migration (--wait: until it is in progress or ended)'))
      .option('--wait', 'wait for the outcome').option('--interval <ms>', 'poll interval with --wait', '500')
      .action((ref, o) => runCli(async () => {
        const c = client(o);
        const job = (await c.graph('POST', `${jobPath(ref)}/${action}`, {})).body as Job;
        console.log(`${job.displayName}: ${job.status}`);
        return o.wait ? waitFor(c, job.id, Number(o.interval)) : 0;
      }));
  }

  graphOptions(jobs.command('cancel <job>').description('cancel the job (its users that have not cut over)'))
    .action((ref, o) => runCli(async () => {
      const c = client(o);
      await c.graph('POST', `${jobPath(ref)}/cancel`, {});
      const job = (await c.graph('GET', jobPath(ref))).body as Job;
      console.log(`${job.displayName}: ${job.status}`);
    }));

  graphOptions(jobs.command('delete <job>').description('delete the job'))
    .action((ref, o) => runCli(async () => {
      await client(o).graph('DELETE', jobPath(ref));
      console.log(`deleted ${ref}`);
    }));

  graphOptions(jobs.command('watch <job>').description('live per-workload progress (TTY: bars with rate and ETA; else one line per change); exit 0 completed, 1 failed'))
    .option('--interval <ms>', 'poll interval', '1000').option('--json', 'one JSON summary per change (not a TTY view)')
    .action((ref, o) => runCli(() => watchJob(client(o), ref, { intervalMs: Number(o.interval), json: !!o.json })));

  const users = program.command('users').description('the users of a job (Graph API)');
  graphOptions(users.command('list <job>').description('every user of the job with each workload\'s status and errors'))
    .option('--json', 'print JSON').action((ref, o) => runCli(async () => {
      const all = await listAll<Task>(client(o), `${jobPath(ref)}/users`);
      print(o.json, all, () => table(['user', 'workloads'], all.map((u) => [u.id, userLine(u)])));
    }));
  graphOptions(users.command('cancel <job> <userId>').description('cancel one user of the job'))
    .action((ref, userId, o) => runCli(async () => {
      const res = await client(o).graph('POST', `${jobPath(ref)}/users/${encodeURIComponent(userId)}/cancel`, {});
      console.log((res.body as { message?: string }).message ?? 'accepted');
    }));
}
