// The `xtm` command. `npm start` runs `xtm serve`.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULTS, configFromEnv, type XtmConfig } from '../config.js';
import { readAdminKey } from '../graph/adminAuth.js';
import { cliCommands } from './commands.js';
import { workerCommand } from './workerCommand.js';

const program = new Command('xtm').description('Self-hosted Microsoft 365 cross-tenant migration service (Microsoft Graph beta emulator)');

program
  .command('serve')
  .description('serve the Graph API over http and https, with the durable work runner')
  .option('--host <host>', 'address to bind', process.env.XTM_HOST ?? DEFAULTS.host)
  .option('--port <port>', 'plain http port (0 = any free port)', process.env.XTM_PORT ?? String(DEFAULTS.port))
  .option('--https-port <port>', 'https port, or "off"', process.env.XTM_HTTPS_PORT ?? String(DEFAULTS.httpsPort))
  .option('--data-dir <dir>', 'where the SQLite file, TLS certificate and keys live', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'SQLite file, ":memory:", or postgres://… (default <data-dir>/xtm.db)')
  .option('--clock <spec>', 'real | manual | accelerated=N', process.env.XTM_CLOCK ?? DEFAULTS.clock)
  .option('--scenario <file|none>', 'scenario loaded on first start (empty store)', process.env.XTM_SCENARIO ?? DEFAULTS.scenario ?? 'none')
  .option('--max-batch-size <n>', 'resources per job (Graph allows 2,000; the orchestrator docs say 100)', String(DEFAULTS.maxBatchSize))
  .option('--phase-delay <ms>', 'virtual-time pause between visible validation phases', String(DEFAULTS.phaseDelayMs))
  .option('--no-worker', 'do not run the work runner in this process')
  .addOption(new Option('--log-level <level>', 'pino log level').default(process.env.XTM_LOG_LEVEL ?? DEFAULTS.logLevel))
  .action(async (o) => {
    const cfg: Partial<XtmConfig> = {
      ...configFromEnv(),
      host: o.host,
      port: Number(o.port),
      httpsPort: o.httpsPort === 'off' ? null : Number(o.httpsPort),
      dataDir: o.dataDir,
      db: o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'),
      clock: o.clock,
      scenario: o.scenario === 'none' ? null : o.scenario,
      maxBatchSize: Number(o.maxBatchSize),
      phaseDelayMs: Number(o.phaseDelay),
      worker: o.worker !== false,
      logLevel: o.logLevel,
    };
    await cliCommands.serve(cfg);
  });

program
  .command('worker')
  .description('run the durable work runner alone (beside `xtm serve --no-worker` API replicas on the same store)')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'SQLite file or postgres://… (default <data-dir>/xtm.db)')
  .option('--clock <spec>', 'used until the API has persisted a clock: real | manual | accelerated=N', process.env.XTM_CLOCK ?? DEFAULTS.clock)
  .option('--phase-delay <ms>', 'virtual-time pause between visible validation phases', process.env.XTM_PHASE_DELAY_MS ?? String(DEFAULTS.phaseDelayMs))
  .option('--concurrency <n>', 'work items in flight at once')
  .addOption(new Option('--log-level <level>', 'pino log level').default(process.env.XTM_LOG_LEVEL ?? DEFAULTS.logLevel))
  .action(async (o) => workerCommand({
    ...configFromEnv(),
    dataDir: o.dataDir,
    db: o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'),
    clock: o.clock,
    phaseDelayMs: Number(o.phaseDelay),
    logLevel: o.logLevel,
    concurrency: o.concurrency ? Number(o.concurrency) : undefined,
  }));

program
  .command('token')
  .description('print an access token for curl (reads the store directly; no server needed)')
  .requiredOption('--tenant <id|domain>', 'tenant id or domain')
  .option('--client-id <appId>', 'app (client) id; default: the tenant\'s migration app')
  .option('--user <upn>', 'issue a delegated token for this user instead of an app token')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'store location (default <data-dir>/xtm.db)')
  .option('--issuer <url>', 'authority base written into the token', `http://127.0.0.1:${DEFAULTS.port}`)
  .action(async (o) => process.exit(await cliCommands.token({ tenant: o.tenant, clientId: o.clientId, user: o.user, db: o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'), issuer: o.issuer })));

program
  .command('seed <file>')
  .description('load a scenario file into the store (transactional; replaces the tenants it names)')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'store location (default <data-dir>/xtm.db)')
  .action(async (file, o) => process.exit(await cliCommands.seed(file, o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'))));

program
  .command('validate')
  .description('offline readiness report: run the validation rules on a scenario and a job body, without a server')
  .requiredOption('--scenario <file>', 'scenario file')
  .requiredOption('--job <file>', 'JSON job body, as POSTed to crossTenantMigrationJobs')
  .option('--json', 'machine-readable output')
  .action(async (o) => process.exit(await cliCommands.validate({ scenario: o.scenario, job: o.job, json: !!o.json })));

const clock = program.command('clock').description('read or move the server\'s clock (admin API)');
clock.command('show').option('--url <url>', 'server', `http://127.0.0.1:${DEFAULTS.port}`).action(async (o) => process.exit(await cliCommands.clock(o.url)));
clock.command('advance <duration>').description('ISO-8601 duration, e.g. P7D or PT12H').option('--url <url>', 'server', `http://127.0.0.1:${DEFAULTS.port}`)
  .action(async (d, o) => process.exit(await cliCommands.clock(o.url, d)));

// Add-SPOTenantIdentityMap through the admin API: 6 columns, no header; an import replaces the whole map.
const idmap = program.command('identity-map').description('the SharePoint identity map of a (target) tenant, as the 6-column CSV (admin API)');
idmap.command('import <file>').description('replace the tenant\'s identity map with the CSV file').requiredOption('--tenant <tenant>', 'tenant id or domain holding the map (the target)')
  .option('--url <url>', 'server', `http://127.0.0.1:${DEFAULTS.port}`).option('--data-dir <dir>', 'the server\'s data directory (its admin key)', DEFAULTS.dataDir)
  .action(async (file, o) => process.exit(await cliCommands.identityMapImport(o.url, o.tenant, file, readAdminKey(o.dataDir))));
idmap.command('export').description('write the tenant\'s identity map as CSV (stdout, or --out FILE)').requiredOption('--tenant <tenant>', 'tenant id or domain holding the map')
  .option('--out <file>', 'output file').option('--url <url>', 'server', `http://127.0.0.1:${DEFAULTS.port}`)
  .option('--data-dir <dir>', 'the server\'s data directory (its admin key)', DEFAULTS.dataDir)
  .action(async (o) => process.exit(await cliCommands.identityMapExport(o.url, o.tenant, o.out, readAdminKey(o.dataDir))));

program.parseAsync().catch((err) => {
  console.error(`xtm: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
