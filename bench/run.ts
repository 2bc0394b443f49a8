// `npm run bench`: every benchmark, each printing its figures against a baseline measured in the same run.
interface Bench { name: string; load: () => Promise<{ run: (o?: any) => Promise<unknown> }>; opts?: unknown }

const quick = process.argv.includes('--quick');
/** `--users N` (migration): the 2,000-user job and N users at once (jobs of up to 2,000 each); `--backend sqlite|postgres` narrows it. */
const flag = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const users = flag('--users') ? Number(flag('--users')) : undefined;
const backend = flag('--backend') as 'sqlite' | 'postgres' | undefined;
const benches: Bench[] = [
  { name: 'http: GET by id, list, 2,000-user job vs bare node:http, SQLite and PostgreSQL', load: () => import('./http.js'), opts: { seconds: quick ? 2 : 4, rounds: quick ? 2 : 3 } },
  { name: 'scenario load: generated tenants (issue 3)', load: () => import('./scenarioLoad.js'), opts: { users: quick ? 1000 : 10000 } },
  { name: 'validation: 2,000-user job, all workloads, SQLite', load: () => import('./validate.js'), opts: { users: 2000, backend: 'sqlite', runs: quick ? 1 : 3 } },
  { name: 'validation: 2,000-user job, all workloads, PostgreSQL', load: () => import('./validate.js'), opts: { users: 2000, backend: 'postgres', runs: quick ? 1 : 3 } },
  { name: 'latency: GET by id while a 2,000-user validation runs, vs idle (issue 13)', load: () => import('./latency.js'), opts: { seconds: quick ? 2 : 5 } },
  { name: 'slow bodies: GET by id p99 beside 2,000 slow-body connections, vs none (issue 23)', load: () => import('./slowBody.js'), opts: { seconds: quick ? 5 : 10 } },
  { name: 'runner: no-op work items/s on both backends vs bulk insert+delete (issue 13)', load: () => import('./runner.js'), opts: { items: quick ? 5000 : 20000 } },
  { name: 'mappings: 1,000,000 SharePoint user mappings, lookup and 50-item $delta PATCH (issue 15)', load: () => import('./mappings.js'), opts: { mappings: quick ? 100_000 : 1_000_000 } },
  { name: 'mappings: identity-map CSV import, rows/s against a bare bulk insert (issue 25)', load: async () => ({ run: (await import('./mappings.js')).csvImport }), opts: { rows: quick ? 100_000 : 1_000_000 } },
  { name: 'migration: 200- and 2,000-user jobs end to end vs raw INSERT…SELECT, SQLite and PostgreSQL (issues 14, 22)', load: async () => ({ run: (await import('./migrate.js')).runSizes }), opts: { sizes: users ? [2000, users] : quick ? [50, 200] : [200, 2000], backends: backend ? [backend] : undefined } },
  { name: 'workers: one migration job with 1, 2 and 4 xtm worker processes on PostgreSQL, SQLite beside it (issues 22, 23)', load: () => import('./workers.js'), opts: { users: quick ? 20 : 100 } },
  { name: 'upload: 50 MB simple PUT and upload session vs hash-and-write-a-file (issue 25)', load: () => import('./upload.js'), opts: { mb: quick ? 20 : 50, rounds: quick ? 2 : 3 } },
  { name: 'progress summary: xtm.progressSummary on 200- and 2,000-user jobs vs the bare GROUP BY (issue 24)', load: () => import('./progressSummary.js'), opts: { reads: quick ? 10 : 20 } },
  { name: 'snapshot: save and restore a 10,000-user store while the server runs vs raw file copy (issue 24)', load: () => import('./snapshot.js'), opts: { users: quick ? 1000 : 10000 } },
  { name: 'teams: chat mover, 200 users × 5 chats × 100 messages, vs raw INSERT…SELECT (issue 14)', load: () => import('./teamsMove.js'), opts: { users: quick ? 50 : 200 } },
];

const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !['--users', '--backend'].includes(all[i - 1]!));
for (const b of benches) {
  if (only.length && !only.some((o) => b.name.includes(o))) continue;
  console.log(`\n== ${b.name}`);
  try {
    const mod = await b.load();
    const result = await mod.run(b.opts);
    console.log(JSON.stringify(result, null, 2));
  } catch (e) {
    console.log(`  not run: ${e instanceof Error ? e.message : String(e)}`);
  }
}
