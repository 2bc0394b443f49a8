// Issue 16 item 15: checked flags, --version, exit codes, no stray ./data, the clock and token commands
// find the running server from the data directory, a locked store and an ignored --scenario are explained.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { XTM_SOURCE } from '../service/xtmCommand.js';

const cwd = mkdtempSync(join(tmpdir(), 'xtm-cli-'));
after(() => rmSync(cwd, { recursive: true, force: true }));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XTM_')));
const run = (...args: string[]) => spawnSync(process.execPath, [...XTM_SOURCE, ...args], { cwd, encoding: 'utf8', env });

describe('flags and exit codes', () => {
  it('--version prints the package version', () => {
    const r = run('--version');
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
  });

  it('bad numeric flags are usage errors (exit 2) naming the flag, before anything starts', () => {
    // Each spawn starts tsx: keep the list short (the parser is one function, intFlag).
    for (const [flag, value] of [['--phase-delay', 'abc'], ['--max-batch-size', '-1']]) {
      const r = run('serve', flag, value, '--data-dir', join(cwd, 'never'));
      assert.equal(r.status, 2, `${flag} ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag} must be a whole number`));
    }
    assert.equal(existsSync(join(cwd, 'never')), false);
  });

  it('token from the wrong directory explains and creates no ./data', () => {
    const r = run('token', '--tenant', 'fabrikam.onmicrosoft.com');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no xtm store at data\/xtm\.db/);
    assert.equal(existsSync(join(cwd, 'data')), false);
  });

  it('clock against no server names the URL it tried', () => {
    const r = run('clock', 'show', '--port', '1');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot reach the xtm server at http:\/\/127\.0\.0\.1:1 /);
  });
});

// A two-tenant world small enough to load in a moment (the demo takes seconds on a busy machine).
const SMALL = join(cwd, 'small.yaml');
writeFileSync(SMALL, `name: cli-small
tenants:
  - { id: 11111111-1111-4111-8111-111111111111, displayName: Contoso, initialDomain: contoso.onmicrosoft.com }
  - id: 22222222-2222-4222-8222-222222222222
    displayName: Fabrikam
    initialDomain: fabrikam.onmicrosoft.com
    applications:
      - appId: 33333333-3333-4333-8333-333333333333
        displayName: migration app
        secrets: [{ value: s }]
        requiredPermissions: [{ resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }]
    servicePrincipals:
      - appId: 33333333-3333-4333-8333-333333333333
        grantedPermissions: [{ resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }]
`);

describe('with a running server', () => {
  const dir = join(cwd, 'srv');
  let child: ChildProcess;
  let out = '';
  let err = '';
  const serve = (...extra: string[]) => new Promise<void>((resolve, reject) => {
    out = '';
    err = '';
    child = spawn(process.execPath, [...XTM_SOURCE, 'serve', '--data-dir', dir, '--port', '0', '--https-port', 'off', '--clock', 'manual', '--log-level', 'warn', ...extra], { cwd, env });
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('admin API key')) resolve();
    });
    child.stderr!.on('data', (c) => (err += c));
    child.once('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  const stop = () => new Promise<void>((resolve) => {
    child.removeAllListeners('close');
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
  before(() => serve('--scenario', SMALL));
  after(() => stop());

  it('the banner prints the bound address and the admin key file with how to use it', () => {
    assert.match(out, /xtm listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /admin API key \(new\): .*admin\.key — send it as: curl -H "Authorization: Bearer \$\(cat /);
  });

  it('xtm clock finds the server from --data-dir (port 0) and sends the admin key', () => {
    const show = run('clock', 'show', '--data-dir', dir);
    assert.equal(show.status, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).mode, 'manual');
    const adv = run('clock', 'advance', 'P1D', '--data-dir', dir);
    assert.equal(adv.status, 0, adv.stderr);
    const bad = run('clock', 'advance', 'P99999999D', '--data-dir', dir);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /BadRequest/);
  });

  it('xtm token writes the running server as issuer, so the token works there', async () => {
    const t = run('token', '--tenant', 'fabrikam.onmicrosoft.com', '--data-dir', dir);
    assert.equal(t.status, 0, t.stderr);
    const url = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')).http;
    const res = await fetch(`${url}/beta/solutions/migrations/crossTenantMigrationJobs`, { headers: { authorization: `Bearer ${t.stdout.trim()}` } });
    assert.equal(res.status, 200);
  });

  it('xtm seed on a store the server holds says so (not "database is locked")', () => {
    const r = run('seed', SMALL, '--data-dir', dir);
    assert.equal(r.status, 2, r.stderr + r.stdout);
    assert.match(r.stderr, /in use by a running xtm server/);
  });

  it('an explicit --scenario on a store that has tenants warns', async () => {
    await stop();
    await serve('--scenario', SMALL);
    for (let i = 0; i < 100 && !err.includes('warning'); i++) await new Promise((r) => setTimeout(r, 100)); // stderr is its own pipe
    assert.match(err, /warning: --scenario .*small\.yaml was NOT loaded: the store already has tenants \(Contoso, Fabrikam\)/);
  });
});
