// The thread of a scenario load kept apart from the server (loadApart.ts): its own store connection,
// the server's clock, and the report or the error sent back. Nothing else lives here.
import { parentPort, workerData } from 'node:worker_threads';
import { Clock, type ClockAnchors } from '../../clock.js';
import { openStore, setPageCacheMb } from '../../store/db.js';
import { loadScenario } from './load.js';
import { ScenarioError } from './parse.js';

const { location, path, clock: anchors } = workerData as { location: string; path: string; clock: ClockAnchors };
const clock = new Clock({ mode: 'manual' });
clock.follow(anchors);
const store = await openStore(location);
// A small page cache: the load writes ahead and the OS caches the file; the freed cache of a thread's
// connection stayed in the process (2,000 users, RSS after the load: 281 MB at 64 MB, 238 MB at 8; as fast).
setPageCacheMb(store, 8);
try {
  parentPort!.postMessage({ t: 'done', report: await loadScenario(store, clock, { path }) });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({ t: 'failed', issues: err instanceof ScenarioError ? err.issues : undefined, name: e.name, message: e.message });
} finally {
  await store.close();
}
