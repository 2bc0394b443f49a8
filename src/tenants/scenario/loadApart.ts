// `xtm serve --scenario`'s first load runs in a thread that ends with it. Parsing and bulk-loading a
// large scenario leaves heap and allocator pages behind that a long-lived isolate keeps: loaded in the
// server's own thread, a 2,000-user scenario held 100 MB of its RSS for as long as it ran (312 MB idle
// after the load, 213 MB after a restart on the same store). A thread returns them when it exits.
// A ':memory:' store has no second connection: it loads in place.
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { moduleThread } from '../../store/moduleThread.js';
import { loadScenario, type LoadReport } from './load.js';
import { ScenarioError, type ScenarioIssue } from './parse.js';

type Outcome = { t: 'done'; report: LoadReport } | { t: 'failed'; issues?: ScenarioIssue[]; name: string; message: string };

export function loadScenarioFileApart(store: Store, clock: Clock, path: string): Promise<LoadReport> {
  if (store.location === ':memory:') return loadScenario(store, clock, { path });
  const thread = moduleThread(import.meta.url, './loadThread', { location: store.location, path, clock: clock.anchors() });
  return new Promise((resolve, reject) => {
    let outcome: Outcome | undefined;
    let error: Error | undefined;
    thread.on('message', (m: Outcome) => { outcome = m; });
    thread.on('error', (err) => { error = err; });
    // Settled once the thread is gone, its connection closed with it.
    thread.on('exit', (code) => {
      if (outcome?.t === 'done') resolve(outcome.report);
      else if (outcome?.t === 'failed') reject(outcome.issues ? new ScenarioError(outcome.issues) : Object.assign(new Error(outcome.message), { name: outcome.name }));
      else reject(error ?? new Error(`the scenario load's thread exited (code ${code}) without an answer`));
    });
  });
}
