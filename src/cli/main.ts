// The `xtm` command. `npm start` runs `xtm serve`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { Clock } from '../clock.js';
import { intFlag, portFlag, requireExistingStore, serverUrl, urlFlag, UsageError } from './flags.js';
import { DEFAULTS, configFromEnv, type XtmConfig } from '../config.js';
import { readAdminKey } from '../graph/admin/auth.js';
import { runCli, serverOptions, XtmClient } from './api.js';
import { registerJobCommands } from './jobsCommands.js';
import { registerSpCommands } from './spCommands.js';
import { registerRehearsalCommands } from './rehearsalCommands.js';

// Command implementations load on use: `xtm --help` and usage errors answer without loading the server.
const cli = async () => (await import('./commands.js')).cliCommands;

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

// Exit codes (README "CLI"): 0 success; 1 the command ran and the answer is "no" (validate: a user is
// not ready; seed: the file has errors; clock: the server refused); 2 usage error, unreadable input,
// store in use or server unreachable.
const program = new Command('xtm').description('Self-hosted Microsoft 365 cross-tenant migration service (Microsoft Graph beta emulator)')
  .version(version, '-V, --version', 'print the xtm version')
  // Usage errors (unknown command or option, missing argument) exit 2, not commander's 1; help and --version 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
const sourceOf = (cmd: Command, name: string) => cmd.getOptionValueSource(name);
const dataDirGiven = (cmd: Command) => sourceOf(cmd, 'dataDir') !== 'default' || !!process.env.XTM_DATA_DIR;

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
  .option('--max-batch-size <n>', 'resources per job, 1–2000 (Graph allows 2,000; the orchestrator docs say 100)', process.env.XTM_MAX_BATCH_SIZE ?? String(DEFAULTS.maxBatchSize))
  .option('--phase-delay <ms>', 'virtual-time pause between visible validation phases', process.env.XTM_PHASE_DELAY_MS ?? String(DEFAULTS.phaseDelayMs))
  .option('--no-worker', 'do not run the work runner in this process')
  .addOption(new Option('--log-level <level>', 'pino log level').default(process.env.XTM_LOG_LEVEL ?? DEFAULTS.logLevel))
  .option('--no-admin-auth', 'serve /xtm/admin without the admin key (loopback binds and Host names only)')
  .option('--public-url <url>', 'base URL clients use (load balancer): token issuer and discovery for every replica', process.env.XTM_PUBLIC_URL)
  .option('--max-connections <n>', 'concurrent connections per listener (0 = no cap)', process.env.XTM_MAX_CONNECTIONS ?? String(DEFAULTS.maxConnections))
  .option('--request-timeout <ms>', 'a request\'s headers and body must arrive within this time', process.env.XTM_REQUEST_TIMEOUT_MS ?? String(DEFAULTS.requestTimeoutMs))
  .option('--shutdown-timeout <ms>', 'SIGTERM: time to finish requests and work items before exiting anyway', process.env.XTM_SHUTDOWN_TIMEOUT_MS ?? String(DEFAULTS.shutdownTimeoutMs))
  .action(async (o, cmd: Command) => {
    Clock.parse(o.clock); // a bad --clock is a usage error before anything is opened
    // The demo scenario ships with xtm: found from any working directory.
    const scenarioDefault = sourceOf(cmd, 'scenario') === 'default';
    const scenario = o.scenario === 'none' ? null : scenarioDefault ? join(packageRoot, o.scenario) : o.scenario;
    const cfg: Partial<XtmConfig> = {
      ...configFromEnv(),
      host: o.host,
      port: portFlag('--port', o.port),
      httpsPort: o.httpsPort === 'off' ? null : portFlag('--https-port', o.httpsPort),
      dataDir: o.dataDir,
      db: o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'),
      clock: o.clock,
      scenario,
      maxBatchSize: intFlag('--max-batch-size', o.maxBatchSize, 1, 2000),
      phaseDelayMs: intFlag('--phase-delay', o.phaseDelay, 0, 365 * 86_400_000),
      worker: o.worker !== false,
      logLevel: o.logLevel,
      ...(o.adminAuth === false ? { adminAuth: false } : {}),
      publicUrl: o.publicUrl ? urlFlag('--public-url', o.publicUrl) : null,
      maxConnections: intFlag('--max-connections', o.maxConnections, 0, 1_000_000),
      requestTimeoutMs: intFlag('--request-timeout', o.requestTimeout, 1000, 3_600_000),
      shutdownTimeoutMs: intFlag('--shutdown-timeout', o.shutdownTimeout, 0, 3_600_000),
    };
    await (await cli()).serve(cfg, { scenarioExplicit: !scenarioDefault && scenario !== null });
  });

program
  .command('worker')
  .description('run the durable work runner alone (beside `xtm serve --no-worker` API replicas on the same store)')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'SQLite file or postgres://… (default <data-dir>/xtm.db)')
  .option('--clock <spec>', 'used until the API has persisted a clock: real | manual | accelerated=N', process.env.XTM_CLOCK ?? DEFAULTS.clock)
  .option('--phase-delay <ms>', 'virtual-time pause between visible validation phases', process.env.XTM_PHASE_DELAY_MS ?? String(DEFAULTS.phaseDelayMs))
  .option('--concurrency <n>', 'work items in flight at once')
  .option('--shutdown-timeout <ms>', 'SIGTERM: time for running work items to reach a commit point before exiting anyway', process.env.XTM_SHUTDOWN_TIMEOUT_MS ?? String(DEFAULTS.shutdownTimeoutMs))
  .addOption(new Option('--log-level <level>', 'pino log level').default(process.env.XTM_LOG_LEVEL ?? DEFAULTS.logLevel))
  .action(async (o) => (await import('./workerCommand.js')).workerCommand({
    shutdownTimeoutMs: intFlag('--shutdown-timeout', o.shutdownTimeout, 0, 3_600_000),
    ...configFromEnv(),
    dataDir: o.dataDir,
    db: o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db'),
    clock: o.clock,
    phaseDelayMs: intFlag('--phase-delay', o.phaseDelay, 0, 365 * 86_400_000),
    logLevel: o.logLevel,
    concurrency: o.concurrency ? intFlag('--concurrency', o.concurrency, 1, 1000) : undefined,
  }));

program
  .command('token')
  .description('print an access token for curl (reads the store directly; no server needed)')
  .requiredOption('--tenant <id|domain>', 'tenant id or domain')
  .option('--client-id <appId>', 'app (client) id; default: the tenant\'s migration app')
  .option('--user <upn>', 'issue a delegated token for this user instead of an app token')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'store location (default <data-dir>/xtm.db)')
  .option('--issuer <url>', 'authority base written into the token (default: the running server found from the data directory, else --host/--port)')
  .option('--host <host>', 'host of the server the token is for', process.env.XTM_HOST ?? DEFAULTS.host)
  .option('--port <port>', 'http port of the server the token is for', process.env.XTM_PORT ?? String(DEFAULTS.port))
  .action(async (o, cmd: Command) => {
    const db = o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db');
    requireExistingStore(db, dataDirGiven(cmd) || !!o.db);
    process.exit(await (await cli()).token({ tenant: o.tenant, clientId: o.clientId, user: o.user, db, issuer: o.issuer ?? serverUrl({ dataDir: o.dataDir, host: o.host, port: o.port }) }));
  });

program
  .command('seed <file>')
  .description('load a scenario file into the store (transactional; replaces the tenants it names)')
  .option('--data-dir <dir>', 'data directory', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
  .option('--db <location>', 'store location (default <data-dir>/xtm.db)')
  .option('--json', 'print the load report as JSON')
  .action(async (file, o, cmd: Command) => {
    const db = o.db ?? process.env.XTM_DATABASE_URL ?? join(o.dataDir, 'xtm.db');
    if (!dataDirGiven(cmd) && !o.db) requireExistingStore(db, false);
    process.exit(await (await cli()).seed(file, db, !!o.json));
  });

program
  .command('validate')
  .description('offline readiness report: run the validation rules on a scenario and a job body, without a server')
  .requiredOption('--scenario <file>', 'scenario file')
  .requiredOption('--job <file>', 'JSON job body, as POSTed to crossTenantMigrationJobs')
  .option('--json', 'machine-readable output')
  .action(async (o) => process.exit(await (await cli()).validate({ scenario: o.scenario, job: o.job, json: !!o.json })));

// The clock commands find the server as `xtm serve` was configured (data directory, host, port) and
// send the admin key from the data directory.
const clock = program.command('clock').description('read or move the server\'s clock (admin API)');
serverOptions(clock.command('show').description('print the server\'s clock: mode, virtual now, speed')).option('--json', 'print JSON')
  .action((o) => runCli(async () => (await cli()).clock(new XtmClient(o), { json: !!o.json })));
serverOptions(clock.command('advance <duration>').description('move the clock forward by an ISO-8601 duration, e.g. P7D or PT12H')).option('--json', 'print JSON')
  .action((d, o) => runCli(async () => (await cli()).clock(new XtmClient(o), { json: !!o.json, advance: d })));
serverOptions(clock.command('reset').description('rehearsals: back to real time, or to --to (refused while work is in flight)')).option('--to <dateTime>', 'start again from this instant').option('--json', 'print JSON')
  .action((o) => runCli(async () => (await cli()).clock(new XtmClient(o), { json: !!o.json, reset: o.to ? { to: o.to } : {} })));

// Add-SPOTenantIdentityMap through the admin API: 6 columns, no header; an import replaces the whole map.
const idmap = program.command('identity-map').description('the SharePoint identity map of a (target) tenant, as the 6-column CSV (admin API)');
serverOptions(idmap.command('import <file>').description('replace the tenant\'s identity map with the CSV file').requiredOption('--tenant <tenant>', 'tenant id or domain holding the map (the target)'))
  .action((file, o) => runCli(async () => (await cli()).identityMapImport(new XtmClient(o), o.tenant, file)));
serverOptions(idmap.command('export').description('write the tenant\'s identity map as CSV (stdout, or --out FILE)').requiredOption('--tenant <tenant>', 'tenant id or domain holding the map')
  .option('--out <file>', 'output file'))
  .action((o) => runCli(async () => (await cli()).identityMapExport(new XtmClient(o), o.tenant, o.out)));

registerJobCommands(program);
registerSpCommands(program);
registerRehearsalCommands(program);

program.parseAsync().catch((err) => {
  console.error(`xtm: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 2);
});
