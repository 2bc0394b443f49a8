// The test suite runner behind `npm test` and `npm run test:postgres`.
//   npm test                 every test file on SQLite; the PostgreSQL-only files (`*postgres*.test.ts`)
//                            run when PostgreSQL answers, else they are skipped with one line saying how.
//   npm run test:postgres    every test file with its stores on PostgreSQL (XTM_TEST_STORE=postgres):
//                            each test server or store gets a database of its own, dropped afterwards.
// Extra arguments are test files to run instead of all of them; --skip-postgres-only leaves out the
// `*postgres*.test.ts` files (CI runs them once, in `npm test`).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PG_ADMIN_URL, dropDatabases, pgUnreachable } from '../test/pg.js';

const args = process.argv.slice(2);
const onPostgres = args.includes('--postgres');
// .ci/run: the PostgreSQL-only files already ran in `npm test` (PostgreSQL answers there), identically.
const skipPostgresOnly = args.includes('--skip-postgres-only');
const picked = args.filter((a) => !a.startsWith('--'));

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? testFiles(p) : name.endsWith('.test.ts') ? [p] : [];
  }).sort();
}

const isPostgresOnly = (file: string) => /postgres[^/]*\.test\.ts$/.test(file);

let files = picked.length ? picked : testFiles('test');
if (skipPostgresOnly) files = files.filter((f) => !isPostgresOnly(f));
const env = { ...process.env };
let runPrefix: string | undefined;

const why = await pgUnreachable();
if (onPostgres) {
  if (why) {
    console.error(`test:postgres needs PostgreSQL: ${why}`);
    process.exit(1);
  }
  env.XTM_TEST_STORE = 'postgres';
  env.XTM_TEST_RUN = `r${randomBytes(3).toString('hex')}`;
  runPrefix = `xtm_${env.XTM_TEST_RUN}_`;
  console.log(`test:postgres: ${files.length} test files, stores on ${PG_ADMIN_URL.replace(/\/[^/]*$/, '')} (databases ${runPrefix}*)`);
} else if (why) {
  const skipped = files.filter(isPostgresOnly);
  files = files.filter((f) => !isPostgresOnly(f));
  if (skipped.length) console.log(`# SKIP ${skipped.length} PostgreSQL-only test files (${skipped.join(', ')}): ${why}`);
}

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

// Whatever a crashed or killed test file left behind.
if (runPrefix) {
  const n = await dropDatabases(runPrefix).catch(() => 0);
  if (n) console.log(`test:postgres: dropped ${n} leftover test databases`);
}
process.exit(code);
