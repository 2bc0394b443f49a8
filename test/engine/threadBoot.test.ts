// The worker thread of `xtm serve` opens its own store connection. If another connection holds the
// write lock at that moment (a large scenario or admin load in the API thread), the thread must wait
// for it, not die: a runner that never starts runs nothing, and the server looked healthy meanwhile.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createServer } from '../../src/server.js';
import { Clock } from '../../src/clock.js';

describe('worker thread start', () => {
  it('waits for a write lock held by another connection instead of dying', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtm-threadboot-'));
    const file = join(dir, 'xtm.db');
    const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
    const server = await createServer({ db: file, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
    try {
      assert.equal(server.queue.placement, 'thread');
      // As the scenario loader does (store/tenantSink.ts withRollbackJournal), at once, before the
      // booting thread opens its connection: a rollback journal and one long write transaction.
      const sqlite = server.deps.store.sqlite!;
      sqlite.pragma('journal_mode = DELETE');
      sqlite.exec('BEGIN IMMEDIATE');
      await new Promise((r) => setTimeout(r, 1500));
      sqlite.exec('COMMIT');
      sqlite.pragma('journal_mode = WAL');
      await server.queue.drain(); // rejects when the worker thread failed to start
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
