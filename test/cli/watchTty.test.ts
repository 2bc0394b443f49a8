// Issue 24: `xtm jobs watch` in a real pseudo-terminal (tmux): cli-progress bars per workload with
// rate and ETA, then the final status and exit 0. Skips when tmux is not installed (.ci/run installs it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, serveDemo, XTM, xtm, type Served } from './serve.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe('jobs watch in a terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  let s: Served;
  const session = `xtm-watch-${process.pid}`;
  before(async () => {
    s = await serveDemo();
  });
  after(async () => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    await s.stop();
  });

  it('draws a bar per workload, then the job\'s end, and exits 0', async () => {
    const d = ['--data-dir', s.dir];
    assert.equal(xtm('jobs', 'create', '--file', 'examples/wave-1.json', '--name', 'Tty', ...d).status, 0);
    // Two ready users only: drop the third (litigation hold) before validating.
    const users = JSON.parse(xtm('users', 'list', 'Tty', '--json', ...d).stdout) as { id: string }[];
    assert.equal(xtm('users', 'cancel', 'Tty', users[2]!.id, ...d).status, 0);
    assert.equal(xtm('jobs', 'validate', 'Tty', '--wait', '--interval', '200', ...d).status, 0);
    assert.equal(xtm('jobs', 'migrate', 'Tty', '--wait', '--interval', '200', ...d).status, 0);
    const done = join(s.dir, 'watch.exit');
    const cmd = `${[process.execPath, ...XTM].map((a) => `'${a}'`).join(' ')} jobs watch Tty --interval 300 --data-dir ${s.dir}; echo $? > ${done}; sleep 60`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '20', cmd], { env: { ...cleanEnv(), TERM: 'xterm-256color' } });
    // While it watches (nothing moves until cutover), the bars are on screen.
    let screen = '';
    for (let i = 0; i < 120 && !/exchange .*items/i.test(screen); i++) {
      await new Promise((r) => setTimeout(r, 500));
      screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    }
    assert.match(screen, /Tty — inProgress — users: /);
    assert.match(screen, /exchange +[░█]+ +\d+% \| \d+\/\d+ items \| [-\d.]+\/s \| ETA /i);
    assert.equal(xtm('clock', 'advance', 'P60D', ...d).status, 0);
    for (let i = 0; i < 240 && !existsSync(done); i++) await new Promise((r) => setTimeout(r, 500));
    screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    assert.equal(readFileSync(done, 'utf8').trim(), '0', screen);
    assert.match(screen, /exchange +█+ 100% \| (\d+)\/\1 items/i);
    assert.match(screen, /^Tty: completed/m);
  });
});
