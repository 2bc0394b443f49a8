// A real xtm server process for the SIGKILL tests: demo scenario, manual clock, SQLite file from argv,
// listening on port 0; prints {"url": …} once listening. XTM_KILL_AT (engine/migration/killPoint.ts) makes it die.
import { createServer } from '../../src/server.js';
import { configFromEnv } from '../../src/config.js';

const [db, dataDir] = process.argv.slice(2);
const server = await createServer({ ...configFromEnv(), db: db!, dataDir: dataDir!, port: 0, httpsPort: null, scenario: 'scenarios/demo.yaml', clock: 'manual', logLevel: 'silent', adminAuth: false }); // loopback only
const { http } = await server.listen();
process.stdout.write(`${JSON.stringify({ url: http })}\n`);
