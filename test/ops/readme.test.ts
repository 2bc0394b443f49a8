// Issue 24: the README's walk-throughs run in order on a fresh store. Every ```sh block of README.md
// (```shell blocks are shown, not run: installing, starting the server, other directories) runs in
// one bash session, in order, against a fresh `xtm serve` started as `npm start` would (demo
// scenario, real clock, ./data) in a scratch directory holding the checkout's scenarios/ and
// examples/. The only edit is the port variable. A command that fails stops the run, naming its block.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, ROOT, XTM } from '../cli/serve.js';

/** The ```sh blocks of a Markdown text, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('README walk-throughs', () => {
  const work = mkdtempSync(join(tmpdir(), 'xtm-readme-'));
  let child: ChildProcess;
  let port = 0;
  before(async () => {
    for (const d of ['scenarios', 'examples']) symlinkSync(join(ROOT, d), join(work, d));
    child = spawn(process.execPath, [...XTM, 'serve', '--port', '0', '--https-port', 'off', '--log-level', 'warn'], { cwd: work, env: cleanEnv() });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c) => {
        out += c;
        if (out.includes('admin API key')) resolve();
      });
      child.once('close', (code) => reject(new Error(`serve exited ${code}`)));
    });
    child.removeAllListeners('close');
    port = Number(new URL(JSON.parse(readFileSync(join(work, 'data', 'server.json'), 'utf8')).http).port);
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGTERM');
    });
    rmSync(work, { recursive: true, force: true });
  });

  it('every sh block runs in order with only PORT changed, and says what the text says', { timeout: 900_000 }, () => {
    const blocks = shellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    assert.ok(blocks.length >= 8, `found ${blocks.length} sh blocks`);
    assert.equal(blocks[0]!.trim(), 'PORT=8787');
    const script = [
      'set -E -o pipefail',
      `trap 'echo "README sh block $BLOCK failed (exit $?): $BASH_COMMAND" >&2; exit 97' ERR`,
      // `npx xtm` is this checkout's CLI (no registry lookup from the scratch directory).
      `npx() { if [ "$1" = xtm ]; then shift; ${[process.execPath, ...XTM].map((a) => `'${a}'`).join(' ')} "$@"; else command npx "$@"; fi; }`,
      ...blocks.map((b, i) => `BLOCK=${i + 1}\n${i === 0 ? `PORT=${port}` : b}\necho "@@ block ${i + 1} done"`),
    ].join('\n');
    const r = spawnSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', env: cleanEnv(), timeout: 850_000, maxBuffer: 64 * 1024 * 1024 });
    const out = r.stdout;
    assert.equal(r.status, 0, `${r.stderr}\n--- stdout (end) ---\n${out.slice(-3000)}`);
    assert.match(out, new RegExp(`@@ block ${blocks.length} done`));
    // A few outputs the prose promises.
    assert.match(out, /Wave 1: validateFailed/);
    assert.match(out, /EXCH-08/);
    assert.match(out, /Wave 1: validatePassed/);
    assert.match(out, /exit 1: a user is not ready/); // the offline dry run on the scenario file
    assert.match(out, /Wave 1: completed/);
    assert.match(out, /"subject"/); // Megan's moved mailbox, read in Fabrikam
    assert.match(out, /reset to scenario 'demo'/);
    assert.match(out, /Wave 2: completed/);
    assert.match(out, /restored snapshot 'wave-2-validated'/);
    assert.match(out, /Wave 2\s+validatePassed/); // the job list after the restore
    assert.match(out, /MnAMoveJobCreationFailed/); // the SharePoint section's failing check
    assert.doesNotMatch(out, /MnASiteMoveIsInprogressOrFinished/);
    assert.doesNotMatch(out, /"code":"generalException"/);
  });
});
