// Entry points for the CLI (`xtm seed FILE`, `xtm serve --scenario FILE`) and the server.
import { Clock } from '../../clock.js';
import { openStore, type Store } from '../../store/db.js';
import { loadScenario, type LoadReport } from './load.js';

export { loadScenario, type LoadReport, type ScenarioSource } from './load.js';
export { formatIssue, parseScenarioText, ScenarioError, type ScenarioIssue } from './parse.js';
export { FAULT_KINDS, FAULTS, type FaultKind } from './faults.js';
export { Scenario, SCENARIO_SCHEMA_ID } from './schema.js';

export function loadScenarioFile(store: Store, clock: Clock, path: string): Promise<LoadReport> {
  return loadScenario(store, clock, { path });
}

export interface SeedArgs {
  file: string;
  /** An open store, or a location (SQLite file, ':memory:', postgres://…) to open and close. */
  store?: Store;
  db?: string;
  clock?: Clock;
  print?: (line: string) => void;
}

/** `xtm seed FILE`: loads the scenario and prints a summary. Throws ScenarioError (with every error) on a bad file. */
export async function seedCommand(args: SeedArgs): Promise<LoadReport> {
  const print = args.print ?? ((line: string) => console.log(line));
  const store = args.store ?? (await openStore(args.db ?? './data/xtm.db'));
  try {
    const report = await loadScenarioFile(store, args.clock ?? new Clock(), args.file);
    for (const line of summarize(report)) print(line);
    return report;
  } finally {
    if (!args.store) await store.close();
  }
}

export function summarize(r: LoadReport): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Loaded scenario '${r.name}' from ${r.file} in ${r.seconds.toFixed(2)} s`,
    `  tenants: ${r.tenants.map((t) => `${t.displayName} (${t.id})`).join(', ')}`,
    `  users: ${n(r.users)}`,
    `  items: ${n(r.items.mailItems)} mail, ${n(r.items.driveItems)} files and folders, ${n(r.items.chatMessages)} chat messages = ${n(r.items.total)} (${n(r.itemsPerSecond)} items/s); ${n(r.items.meetings)} meetings`,
  ];
  if (r.faults.length) {
    const byKind = new Map<string, string[]>();
    for (const f of r.faults) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f.sourceUserPrincipalName]);
    lines.push(`  faults: ${r.faults.length} (${[...byKind].map(([k, users]) => `${k}: ${users.length > 3 ? `${users.length} users` : users.join(', ')}`).join('; ')})`);
  }
  return lines;
}
