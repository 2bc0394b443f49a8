// xtm.progressSummary (issue 24) on jobs of 200 and 2,000 users × 4 workloads with moves in flight: the
// summary over HTTP against (baseline) the bare aggregate it is built on — one GROUP BY over the job's
// moves on the same connection — and beside the full xtm.progress document the summary replaces for
// watchers. Shows the summary's size stays flat and its time follows the aggregate, not the job's size.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { guid, jobBody, seedBasic, startServer, T } from '../test/helpers.js';
import { migrationRepo } from '../src/store/migrationRepo.js';
import { Workloads } from '../src/domain/enums.js';

const B = '/beta/solutions/migrations/crossTenantMigrationJobs';

async function median(n: number, f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return +times.sort((a, b) => a - b)[Math.floor(n / 2)]!.toFixed(2);
}

export async function run(opts: { sizes?: number[]; reads?: number } = {}) {
  const sizes = opts.sizes ?? [200, 2000];
  const reads = opts.reads ?? 20;
  const ids = Array.from({ length: sizes.reduce((a, b) => a + b, 0) }, (_, i) => guid(i + 1));
  let next = 0; // each job takes users of its own (a user is in one live batch)
  const s = await startServer({ maxBatchSize: 2000 }, { seed: (store) => seedBasic(store, { source: [], target: ids }) });
  const out: Record<string, unknown> = {};
  try {
    const db = s.deps.store.db;
    for (const n of sizes) {
      const users = ids.slice(next, (next += n));
      const c = await s.api('POST', B, { body: jobBody({ resources: users, workloads: [...Workloads] }) });
      if (c.status !== 201) throw new Error(`create: ${c.text}`);
      const id = c.body.id as string;
      const now = '2026-06-01T00:00:00.000Z';
      await migrationRepo.startMoves(db, users.flatMap((userId) => Workloads.map((workload) => ({ jobId: id, userId, workload, tenantId: T.target, sourceTenantId: T.source, sourceUserId: null, phase: 'syncing' as const, nowIso: now }))));
      await sql`update migration_moves set items_total = 1000, bytes_total = 1000000, items_done = abs(random()) % 1000, bytes_done = abs(random()) % 1000000 where job_id = ${id}`.execute(db);

      const baseline = () => sql`select workload, phase, count(*) as n, sum(items_done), sum(items_total), sum(bytes_done), sum(bytes_total) from migration_moves where job_id = ${id} group by workload, phase`.execute(db);
      let summaryBytes = 0;
      let progressBytes = 0;
      const summaryMs = await median(reads, async () => { summaryBytes = (await s.api('GET', `${B}/${id}/xtm.progressSummary`)).text.length; });
      const baselineMs = await median(reads, baseline);
      const progressMs = await median(Math.max(3, Math.floor(reads / 4)), async () => { progressBytes = (await s.api('GET', `${B}/${id}/xtm.progress`)).text.length; });
      out[`${n} users`] = { summaryMs, summaryBytes, baselineGroupByMs: baselineMs, fullProgressMs: progressMs, fullProgressBytes: progressBytes };
    }
    return { store: s.deps.store.dialect, reads, ...out, note: 'medians; summary = HTTP round trip (7 aggregate queries + JSON), baseline = the single GROUP BY on the connection; shared 2-core machine, indicative' };
  } finally {
    await s.stop();
  }
}
