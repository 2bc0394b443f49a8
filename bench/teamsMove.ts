// Teams chat mover benchmark: every generated user's chats moved the way the orchestrator drives the
// workload (chunks of 500 messages, reconcile, finalize), against the store's raw INSERT…SELECT of the
// same message rows (ids rewritten in SQL, one statement) in the same run; and what the change log's
// triggers cost that raw copy (the same statement with tracking suspended).
//   node --import tsx bench/teamsMove.ts [--users N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { Clock } from '../src/clock.js';
import { teamsMover } from '../src/engine/migration/teams.js';
import type { UserMove } from '../src/engine/migration/workload.js';
import { openStore } from '../src/store/db.js';
import { loadScenario } from '../src/tenants/scenario/load.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';

function scenarioText(users: number): string {
  return `name: teams-bench-${users}
tenants:
  - { id: ${SRC}, displayName: Contoso, initialDomain: contoso.onmicrosoft.com, defaultDomain: contoso.com, domains: [contoso.com] }
  - { id: ${TGT}, displayName: Fabrikam, initialDomain: fabrikam.onmicrosoft.com, defaultDomain: fabrikam.com, domains: [fabrikam.com] }
generate: { source: contoso.com, target: fabrikam.com, seed: 7, users: ${users}, mailItemsPerUser: 0, filesPerUser: 0, chatsPerUser: 5, chatMessagesPerUser: 100, meetingsPerUser: 0 }
`;
}

const round = (x: number) => Math.round(x * 100) / 100;

export async function run(opts: { users?: number; log?: (s: string) => void } = {}) {
  const users = opts.users ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-teams-bench-'));
  try {
    const store = await openStore(join(dir, 'bench.db'));
    const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
    await loadScenario(store, clock, { text: scenarioText(users), name: 'teams-bench.yaml' });
    const pairs = await store.db.selectFrom('identity_mappings').select(['source_user_id', 'target_user_id']).where('target_tenant_id', '=', TGT).execute();
    const h = { store, clock, log: pino({ level: 'silent' }) };

    let messages = 0;
    const started = performance.now();
    for (const p of pairs) {
      const m: UserMove = { jobId: 'bench', taskId: p.target_user_id!, sourceTenantId: SRC, targetTenantId: TGT, sourceUserId: p.source_user_id, targetUserId: p.target_user_id! };
      let cursor: string | null = null;
      do {
        const r = await teamsMover.copyChunk(m, cursor, 500, h, async () => {});
        messages += r.items;
        cursor = r.cursor;
      } while (cursor !== null);
      await teamsMover.reconcile(m, h);
      await teamsMover.finalize(m, h);
    }
    const moverSeconds = (performance.now() - started) / 1000;

    // Baseline: the same rows (every message the mover imported, target thread ids from its map) by one INSERT…SELECT.
    const sqlite = store.sqlite!;
    const copy = (table: string) => {
      const t0 = performance.now();
      const r = sqlite.prepare(`INSERT INTO ${table} (tenant_id, chat_id, id, from_user_id, body, message_type, created_at)
        SELECT 'baseline', mp.target_id, s.id, s.from_user_id, s.body, s.message_type, s.created_at
        FROM migration_item_map mp JOIN chat_messages s ON s.tenant_id = '${SRC}' AND s.chat_id = mp.source_id
        WHERE mp.job_id = 'bench' AND mp.workload = 'Teams' AND mp.kind = 'thread' AND s.message_type = 'message'`).run();
      return { rows: r.changes, seconds: (performance.now() - t0) / 1000 };
    };
    sqlite.exec('CREATE TABLE plain_messages AS SELECT * FROM chat_messages WHERE 0');
    const plain = sqlite.transaction(() => copy('plain_messages'))();
    const tracked = sqlite.transaction(() => copy('chat_messages'))();
    sqlite.prepare(`DELETE FROM chat_messages WHERE tenant_id = 'baseline'`).run();
    const untracked = sqlite.transaction(() => {
      sqlite.prepare(`INSERT INTO change_suspensions (id) VALUES ('bench')`).run();
      const r = copy('chat_messages');
      sqlite.prepare(`DELETE FROM change_suspensions WHERE id = 'bench'`).run();
      return r;
    })();
    await store.close();
    const rate = (n: number, s: number) => Math.round(n / s);
    const moverRate = rate(messages, moverSeconds);
    const result = {
      users: pairs.length, messages, seconds: round(moverSeconds), messagesPerSecond: moverRate,
      baseline: { rows: plain.rows, plainTableRowsPerSecond: rate(plain.rows, plain.seconds), chatMessagesRowsPerSecond: rate(tracked.rows, tracked.seconds), chatMessagesUntrackedRowsPerSecond: rate(untracked.rows, untracked.seconds) },
      ratio: round(moverRate / rate(plain.rows, plain.seconds)),
      changeLogCost: round(rate(untracked.rows, untracked.seconds) / rate(tracked.rows, tracked.seconds)),
    };
    opts.log?.(`teams mover: ${result.users} users, ${messages.toLocaleString('en-US')} messages in ${result.seconds} s = ${moverRate.toLocaleString('en-US')} messages/s`);
    opts.log?.(`  baseline (same rows, one INSERT…SELECT into a plain table): ${result.baseline.plainTableRowsPerSecond.toLocaleString('en-US')} rows/s; ratio ${result.ratio}`);
    opts.log?.(`  into chat_messages: ${result.baseline.chatMessagesRowsPerSecond.toLocaleString('en-US')} rows/s with the change log, ${result.baseline.chatMessagesUntrackedRowsPerSecond.toLocaleString('en-US')} without (x${result.changeLogCost})`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--users');
  await run({ users: i > 0 ? Number(process.argv[i + 1]) : 200, log: (s) => console.log(s) });
}
