// `xtm reset` and `xtm snapshot save|restore|list|delete`: rehearsals through the admin API (the key
// from the data directory), against a running server.
import { Command } from 'commander';
import { print, runCli, serverOptions, XtmClient } from './api.js';
import { table } from './table.js';

type Info = { name: string; bytes: number | null; createdDateTime: string };

export function registerRehearsalCommands(program: Command): void {
  serverOptions(program.command('reset').description('put the store back to the scenario as loaded, and the clock to real time (admin API)'))
    .option('--json', 'print JSON').action((o) => runCli(async () => {
      const r = (await new XtmClient(o).admin('POST', '/reset')).body as { scenario: string; users: number; seconds: number; clock: { now: string } };
      print(o.json, r, () => `reset to scenario '${r.scenario}' (${r.users} users) in ${r.seconds} s; clock ${r.clock.now}`);
    }));

  const snap = program.command('snapshot').description('save and restore the whole store while the server runs (admin API)');
  serverOptions(snap.command('save <name>').description('capture the store as NAME (replaces an older NAME)')).option('--json', 'print JSON')
    .action((name, o) => runCli(async () => {
      const r = (await new XtmClient(o).admin('POST', '/snapshots', { name })).body as Info & { seconds: number };
      print(o.json, r, () => `saved snapshot '${r.name}'${r.bytes ? ` (${(r.bytes / 1048576).toFixed(1)} MB)` : ''} in ${r.seconds} s`);
    }));
  serverOptions(snap.command('restore <name>').description('put the store back to snapshot NAME; the clock continues from its time')).option('--json', 'print JSON')
    .action((name, o) => runCli(async () => {
      const r = (await new XtmClient(o).admin('POST', `/snapshots/${encodeURIComponent(name)}/restore`)).body as { name: string; seconds: number; clock: { now: string } };
      print(o.json, r, () => `restored snapshot '${r.name}' in ${r.seconds} s; clock ${r.clock.now}`);
    }));
  serverOptions(snap.command('list').description('the saved snapshots')).option('--json', 'print JSON')
    .action((o) => runCli(async () => {
      const r = ((await new XtmClient(o).admin('GET', '/snapshots')).body as { value: Info[] }).value;
      print(o.json, r, () => (r.length ? table(['name', 'size', 'created'], r.map((s) => [s.name, s.bytes == null ? '' : `${(s.bytes / 1048576).toFixed(1)} MB`, s.createdDateTime])) : 'no snapshots'));
    }));
  serverOptions(snap.command('delete <name>').description('delete snapshot NAME'))
    .action((name, o) => runCli(async () => {
      await new XtmClient(o).admin('DELETE', `/snapshots/${encodeURIComponent(name)}`);
      console.log(`deleted snapshot '${name}'`);
    }));
}
