// Child process for the SIGKILL tests. `serve <db> <dir>`: an xtm server whose worker thread runs the
// work (prints {url}); `worker <db>`: an `xtm worker` process (prints {worker}). Both validate with
// the slow counting validator, so the test can kill them mid-validation.
import pino from 'pino';
import { Clock } from '../../src/clock.js';
import { DEFAULTS } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { startRunnerHost, type ModuleRef } from '../../src/engine/work/host.js';

const validate: ModuleRef = { module: new URL('./slowValidation.ts', import.meta.url).href, export: 'slowCountingValidation' };
const [mode, db, dir] = process.argv.slice(2);
const log = pino({ level: 'silent' });
const runner = { heartbeatMs: 200, staleMs: 1500 };

if (mode === 'serve') {
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { clock, log, validate, runner });
  const { http } = await server.listen();
  console.log(JSON.stringify({ url: http }));
} else {
  const host = await startRunnerHost({ location: db!, config: { ...DEFAULTS, db: db! }, clock: new Clock({ mode: 'manual' }), log, validate, runner, followClockMs: 200 });
  console.log(JSON.stringify({ worker: host.runner.workerId }));
}
