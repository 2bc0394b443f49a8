// Child process for the SIGKILL test: serves the given SQLite file on a free port and prints its URL.
import pino from 'pino';
import { createServer } from '../../src/server.js';

const [db, dir] = process.argv.slice(2) as [string, string];
const server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent' }, { log: pino({ level: 'silent' }) });
const { http } = await server.listen();
process.stdout.write(`${JSON.stringify({ url: http })}\n`);
