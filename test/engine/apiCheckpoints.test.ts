// A WAL checkpoint runs inside the commit that crosses the threshold, on whichever connection made it:
// in the API thread, a 20–30 ms stall of every request (seen as the latency benchmark's p99 under a
// validation load). With the runner in its own thread, the API's connection leaves checkpoints to it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createServer } from '../../src/server.js';
import { Clock } from '../../src/clock.js';

it('with a runner thread, the API connection does not run the routine WAL checkpoints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-ckpt-'));
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const server = await createServer({ db: join(dir, 'xtm.db'), dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
  try {
    assert.equal(server.queue.placement, 'thread');
    const sqlite = server.deps.store.sqlite!;
    // 2,000 pages of writes from the API connection: past SQLite's default threshold (1,000), short of ours.
    sqlite.exec('create table ckpt_probe (v blob)');
    const insert = sqlite.prepare('insert into ckpt_probe values (randomblob(3500))');
    sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run();
    })();
    // Had that commit checkpointed, the next write would start the log over; a passive checkpoint
    // reports the frames in the log.
    insert.run();
    const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    assert.ok(row!.log >= 2000, `the API's commit left the log to the runner (${row!.log} frames)`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
