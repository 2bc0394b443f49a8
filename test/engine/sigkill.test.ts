// Durability with real SIGKILLs: the process that runs the work (an embedded server's worker thread;
// an `xtm worker` on PostgreSQL) is killed in the middle of validating a 2,000-user job, a new one is
// started, and the job still finishes: every user validated, the validation committed exactly once
// (one completed run in the validator's log, every task's result from that run), nothing left queued.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore, type Store } from '../../src/store/db.js';
import { workRepo } from '../../src/store/workRepo.js';
import { seedBasic, startServer, T, jobBody, type TestServer } from '../helpers.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';
import { idFor } from '../jobs/util.js';

const USERS = Array.from({ length: 2000 }, (_, i) => idFor(50_000 + i));
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const CHILD = new URL('./killChild.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function spawnChild(args: string[], logFile: string): Promise<{ child: ChildProcess; info: any }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { env: { ...process.env, XTM_TEST_VALIDATION_LOG: logFile, XTM_TEST_VALIDATION_MS: '1500' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const logLines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Token, create the 2,000-user job and validate it, through HTTP. */
async function startValidation(url: string): Promise<string> {
  const tok = await token(url);
  const created = await fetchJson(url, tok, 'POST', B, jobBody({ resources: USERS, workloads: ['Teams', 'ODSP'] }));
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  const v = await fetchJson(url, tok, 'POST', `${B}/${created.body.id}/validate`);
  assert.equal(v.status, 200);
  return created.body.id as string;
}

async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/${T.target}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: T.app, client_secret: T.secret, scope: 'https://graph.microsoft.com/.default' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function fetchJson(url: string, tok: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function jobStatus(url: string, id: string): Promise<string> {
  return (await fetchJson(url, await token(url), 'GET', `${B}/${id}`)).body.status;
}

/** Every user has one result per workload from the completed run; nothing is queued, retried or given up. */
async function assertValidatedOnce(store: Store, jobId: string, logFile: string, killedPid: number, survivorPid: number): Promise<void> {
  const lines = logLines(logFile);
  const starts = lines.filter((l) => l.startsWith('start')).map((l) => Number(l.split(' ')[1]));
  const ends = lines.filter((l) => l.startsWith('end'));
  assert.ok(starts.includes(killedPid), `the killed process had started validating: ${lines.join(' | ')}`);
  assert.deepEqual(ends, [`end ${survivorPid} 2000`], `exactly one validation run completed, in the new process: ${lines.join(' | ')}`);
  const tasks = await store.db.selectFrom('migration_tasks').select(['id', 'current_status', 'updated_at']).where('job_id', '=', jobId).execute();
  assert.equal(tasks.length, 2000);
  const job = await store.db.selectFrom('migration_jobs').select(['status', 'updated_at']).where('id', '=', jobId).executeTakeFirstOrThrow();
  assert.equal(job.status, 'validatePassed');
  for (const t of tasks) {
    const statuses = (JSON.parse(t.current_status) as { status: string }[]).map((s) => s.status);
    assert.deepEqual(statuses, ['valid', 'valid'], t.id);
    assert.equal(t.updated_at, job.updated_at, 'every result was committed with the job\'s final transition');
  }
  assert.deepEqual(await workRepo.runnable(store.db), []);
  assert.deepEqual(await store.db.selectFrom('work_timers').select('id').execute(), []);
  assert.deepEqual(await workRepo.failures(store.db), []);
}

/** No work item left, due or locked (the runner deletes a finished item just after the work commits). */
async function workDone(store: Store): Promise<boolean> {
  if (store.dialect === 'postgres') {
    const st = await workRepo.graphileState(store.db);
    return st.due === 0 && st.locked === 0;
  }
  return (await store.db.selectFrom('work_items').select('id').execute()).length === 0;
}

const pgSkip = (await pgUnreachable()) ?? false;

describe('SIGKILL mid-validation of a 2,000-user job', () => {
  it('embedded server: the restarted server finishes the job, validated exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtm-sigkill-'));
    const db = join(dir, 'xtm.db');
    const logFile = join(dir, 'validation.log');
    try {
      const seedStore = await openStore(db);
      await seedBasic(seedStore, { source: [], target: USERS });
      await seedStore.close();

      const first = await spawnChild(['serve', db, dir], logFile);
      const jobId = await startValidation(first.info.url);
      await until('the validation to start', () => (logLines(logFile).some((l) => l.startsWith('start')) ? true : undefined));
      await kill(first.child);
      assert.equal(logLines(logFile).filter((l) => l.startsWith('end')).length, 0, 'killed before the run completed');

      const second = await spawnChild(['serve', db, dir], logFile);
      await until('validatePassed', async () => ((await jobStatus(second.info.url, jobId)) === 'validatePassed' ? true : undefined));
      const store = await openStore(db);
      try {
        // The job's final transition commits before its work item is deleted: let that finish too.
        await until('the work to finish', async () => ((await workDone(store)) ? true : undefined));
        await kill(second.child);
        await assertValidatedOnce(store, jobId, logFile, first.child.pid!, second.child.pid!);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: a killed `xtm worker` is replaced; the job finishes, validated exactly once', { skip: pgSkip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtm-sigkill-pg-'));
    const logFile = join(dir, 'validation.log');
    let pg: TempDatabase | undefined;
    let api: TestServer | undefined;
    try {
      pg = await createTempDatabase('sigkill');
      // The API replica (no worker) in this process; the work runs only in `xtm worker` children.
      api = await startServer({ db: pg.url, worker: false }, { seed: (s) => seedBasic(s, { source: [], target: USERS }) });
      const first = await spawnChild(['worker', pg.url], logFile);
      const jobId = await startValidation(api.url);
      await until('the validation to start', () => (logLines(logFile).some((l) => l.startsWith('start')) ? true : undefined));
      await kill(first.child);
      const second = await spawnChild(['worker', pg.url], logFile);
      await until('validatePassed', async () => ((await jobStatus(api!.url, jobId)) === 'validatePassed' ? true : undefined));
      await until('the work to finish', async () => ((await workDone(api!.deps.store)) ? true : undefined));
      await kill(second.child);
      await assertValidatedOnce(api.deps.store, jobId, logFile, first.child.pid!, second.child.pid!);
    } finally {
      await api?.stop();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
