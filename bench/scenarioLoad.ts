// Scenario loader benchmark: generates the 10,000-user scenario (200 mail items, 50 files, 100 chat
// messages per user: ~3.5 M items) into a temporary SQLite store and reports load time, items/s and
// peak RSS; then, as a baseline, the raw rate of a prepared INSERT of as many rows of the same
// average width into a plain table with the loader's own settings (rollback journal, 256 MB cache, 16
// rows per statement). Targets: >= 100,000 items/s, peak RSS < 1 GB.
//   node --import tsx bench/scenarioLoad.ts [--users N] [--keep]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Clock } from '../src/clock.js';
import { openStore } from '../src/store/db.js';
import { loadScenario } from '../src/tenants/scenario/load.js';

export interface ScenarioLoadResult {
  users: number;
  items: number;
  rows: number;
  seconds: number;
  itemsPerSecond: number;
  peakRssMB: number;
  baseline: { rows: number; rowBytes: number; seconds: number; rowsPerSecond: number };
  /** loader items/s ÷ baseline rows/s */
  ratio: number;
  targets: { itemsPerSecond: number; peakRssMB: number; met: boolean };
}

export function scenarioText(users: number): string {
  return `name: bench-${users}
tenants:
  - { id: 11111111-1111-4111-8111-111111111111, displayName: Contoso, initialDomain: contoso.onmicrosoft.com, defaultDomain: contoso.com, domains: [contoso.com],
      groups: [{ displayName: CrossTenantMigrationScope, groupType: MailEnabledSecurity }] }
  - { id: 22222222-2222-4222-8222-222222222222, displayName: Fabrikam, initialDomain: fabrikam.onmicrosoft.com, defaultDomain: fabrikam.com, domains: [fabrikam.com] }
generate:
  source: contoso.com
  target: fabrikam.com
  seed: 42
  users: ${users}
  mailItemsPerUser: 200
  filesPerUser: 50
  chatsPerUser: 10
  chatMessagesPerUser: 100
  meetingsPerUser: 1
  scopeGroup: CrossTenantMigrationScope
  faults: { missingX500: 5, litigationHold: 5, notInScope: 5, oneDriveMissing: 5 }
`;
}

/** Samples process RSS every 100 ms from a worker: the load is one synchronous transaction that blocks timers on the main thread. */
function startRssSampler(): { stop(): number } {
  const peak = new Float64Array(new SharedArrayBuffer(8));
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const peak = new Float64Array(workerData);
    setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > peak[0]) peak[0] = rss; }, 100);
  `, { eval: true, workerData: peak.buffer });
  return {
    stop() {
      void worker.terminate();
      return Math.max(peak[0]!, process.memoryUsage.rss()) / 1024 / 1024;
    },
  };
}

export async function run(opts: { users?: number; keep?: boolean; log?: (s: string) => void } = {}): Promise<ScenarioLoadResult> {
  const users = opts.users ?? 10_000;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-'));
  try {
    const store = await openStore(join(dir, 'scenario.db'));
    log(`loading ${users} users into ${dir}/scenario.db …`);
    const sampler = startRssSampler();
    const report = await loadScenario(store, new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') }), { text: scenarioText(users), name: `bench-${users}.yaml` });
    const peakRssMB = sampler.stop();
    const rowBytes = averageItemRowBytes(store.sqlite!);
    await store.close();
    const rows = Object.values(report.rows).reduce((a, b) => a + (b ?? 0), 0);
    log(`baseline: ${report.items.total} rows of ${rowBytes} bytes …`);
    const baseline = baselineInsert(join(dir, 'baseline.db'), report.items.total, rowBytes);
    const itemsPerSecond = report.items.total / report.seconds;
    return {
      users, items: report.items.total, rows, seconds: round(report.seconds), itemsPerSecond: Math.round(itemsPerSecond), peakRssMB: Math.round(peakRssMB),
      baseline, ratio: round(itemsPerSecond / baseline.rowsPerSecond),
      targets: { itemsPerSecond: 100_000, peakRssMB: 1024, met: itemsPerSecond >= 100_000 && peakRssMB < 1024 },
    };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Average stored bytes of an item row (mail item, drive item, chat message), keys included. */
function averageItemRowBytes(db: Database.Database): number {
  const width = (table: string, cols: string[]) =>
    db.prepare(`SELECT count(*) AS n, coalesce(sum(${cols.map((c) => `length(coalesce(${c}, ''))`).join(' + ')}), 0) AS bytes FROM ${table}`).get() as { n: number; bytes: number };
  const parts = [
    width('mail_items', ['tenant_id', 'user_id', 'id', 'folder_id', 'item_class', 'subject', 'from_address', 'received_at', 'size_bytes', 'body_preview', 'content_hash', 'is_read', 'last_modified_at']),
    width('drive_items', ['tenant_id', 'site_id', 'id', 'parent_id', 'name', 'path', 'is_folder', 'size_bytes', 'content_hash', 'versions', 'created_by', 'modified_at']),
    width('chat_messages', ['tenant_id', 'chat_id', 'id', 'from_user_id', 'body', 'message_type', 'created_at']),
  ];
  const n = parts.reduce((a, p) => a + p.n, 0);
  return n ? Math.round(parts.reduce((a, p) => a + p.bytes, 0) / n) : 0;
}

/**
 * The floor: the same number of rows of the same width written the simplest fast way with the
 * loader's own settings (src/tenants/scenario/load.ts, src/tenants/sink.ts): one transaction in
 * rollback-journal mode, a 256 MB page cache, and one prepared INSERT of 16 rows per statement,
 * into a plain rowid table with no secondary index.
 */
function baselineInsert(file: string, n: number, rowBytes: number): ScenarioLoadResult['baseline'] {
  const ROWS = 16;
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  db.exec('CREATE TABLE plain (a TEXT NOT NULL, b TEXT NOT NULL, c TEXT NOT NULL)');
  const many = db.prepare(`INSERT INTO plain (a, b, c) VALUES ${Array(ROWS).fill('(?, ?, ?)').join(', ')}`);
  const one = db.prepare('INSERT INTO plain (a, b, c) VALUES (?, ?, ?)');
  const pad = 'x'.repeat(Math.max(1, rowBytes - 72));
  const owner = '11111111-1111-4111-8111-111111111111';
  const started = performance.now();
  db.transaction(() => {
    const args: string[] = [];
    let i = 0;
    for (; i + ROWS <= n; i += ROWS) {
      args.length = 0;
      for (let k = 0; k < ROWS; k++) args.push(owner, (i + k).toString(16).padStart(36, '0'), pad);
      many.run(args);
    }
    for (; i < n; i++) one.run(owner, i.toString(16).padStart(36, '0'), pad);
  })();
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { rows: n, rowBytes, seconds: round(seconds), rowsPerSecond: Math.round(n / seconds) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--users');
  const users = i > 0 ? Number(process.argv[i + 1]) : 10_000;
  const r = await run({ users, keep: process.argv.includes('--keep'), log: (s) => console.log(s) });
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  console.log(`scenario load: ${r.users} users, ${r.items.toLocaleString('en-US')} items (${r.rows.toLocaleString('en-US')} rows) in ${r.seconds} s`);
  console.log(`  ${r.itemsPerSecond.toLocaleString('en-US')} items/s (target >= 100,000), peak RSS ${r.peakRssMB} MB (target < 1024${hwm ? `; VmHWM ${Math.round(Number(hwm) / 1024)} MB` : ''})`);
  console.log(`  baseline: ${r.baseline.rowsPerSecond.toLocaleString('en-US')} rows/s of ${r.baseline.rowBytes} bytes (plain table, the loader's settings: rollback journal, 16 rows per INSERT); ratio ${r.ratio}`);
  console.log(`  targets ${r.targets.met ? 'met' : 'NOT met'}`);
}
