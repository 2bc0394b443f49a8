// Runtime configuration: CLI flags > environment (XTM_*) > defaults.
export interface XtmConfig {
  host: string;
  port: number; // plain http
  httpsPort: number | null; // https with a generated certificate; null = off
  dataDir: string;
  db: string; // SQLite file path, ':memory:' or postgres://
  clock: string; // real | manual | accelerated=N
  scenario: string | null; // loaded on first start when the store has no tenants
  maxBatchSize: number; // resources per job (Graph: 2,000; the orchestrator doc says 100)
  bodyLimit: number; // bytes
  worker: boolean; // run the in-process work runner
  /** Virtual-time pause between the visible phases of validate (submitted → processing → inProgress). */
  phaseDelayMs: number;
  logLevel: string;
  tokenLifetimeSec: number;
  /** Exchange IncrementalSyncInterval in clock time (default 24 h, like New-MoveRequest). */
  incrementalSyncIntervalMs: number;
  /** Per-workload throughput overrides (engine/migration/pacing.ts), e.g. {"Exchange":{"itemsPerHour":1000}}. */
  migrationThroughput: Record<string, Record<string, number>>;
  /** Guard /xtm/admin/* with the admin key (data directory); off only on a loopback bind. */
  adminAuth: boolean;
  /** Where uploaded bytes live: '' = <dataDir>/blobs, or s3://bucket?endpoint=…&region=… (store/blobStoreOpen.ts). */
  blobStore: string;
  /** The base URL clients reach the service by (a load balancer): token issuers and discovery use it; null = each request's own origin. */
  publicUrl: string | null;
  /** Concurrent connections per listener; more are refused at accept (0 = no cap). */
  maxConnections: number;
  /** A request (headers and body) must arrive within this many ms, else its connection is closed. */
  requestTimeoutMs: number;
  /** SIGTERM: how long in-flight requests and work items get to finish before the process exits anyway. */
  shutdownTimeoutMs: number;
}

export const DEFAULTS: XtmConfig = {
  host: '127.0.0.1',
  port: 8787,
  httpsPort: 8788,
  dataDir: './data',
  db: '',
  clock: 'real',
  scenario: 'scenarios/demo.yaml',
  maxBatchSize: 2000,
  bodyLimit: 1024 * 1024,
  worker: true,
  phaseDelayMs: 0,
  logLevel: 'info',
  tokenLifetimeSec: 3599,
  incrementalSyncIntervalMs: 24 * 3600 * 1000,
  migrationThroughput: {},
  adminAuth: true,
  blobStore: '',
  publicUrl: null,
  maxConnections: 10_000,
  requestTimeoutMs: 30_000,
  shutdownTimeoutMs: 10_000,
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<XtmConfig> {
  const c: Partial<XtmConfig> = {};
  if (env.XTM_HOST) c.host = env.XTM_HOST;
  if (env.XTM_PORT) c.port = Number(env.XTM_PORT);
  if (env.XTM_HTTPS_PORT) c.httpsPort = env.XTM_HTTPS_PORT === 'off' ? null : Number(env.XTM_HTTPS_PORT);
  if (env.XTM_DATA_DIR) c.dataDir = env.XTM_DATA_DIR;
  if (env.XTM_DATABASE_URL) c.db = env.XTM_DATABASE_URL;
  if (env.XTM_CLOCK) c.clock = env.XTM_CLOCK;
  if (env.XTM_SCENARIO) c.scenario = env.XTM_SCENARIO === 'none' ? null : env.XTM_SCENARIO;
  if (env.XTM_MAX_BATCH_SIZE) c.maxBatchSize = Number(env.XTM_MAX_BATCH_SIZE);
  if (env.XTM_PHASE_DELAY_MS) c.phaseDelayMs = Number(env.XTM_PHASE_DELAY_MS);
  if (env.XTM_LOG_LEVEL) c.logLevel = env.XTM_LOG_LEVEL;
  if (env.XTM_INCREMENTAL_SYNC_INTERVAL_MS) c.incrementalSyncIntervalMs = Number(env.XTM_INCREMENTAL_SYNC_INTERVAL_MS);
  if (env.XTM_MIGRATION_THROUGHPUT) c.migrationThroughput = JSON.parse(env.XTM_MIGRATION_THROUGHPUT) as XtmConfig['migrationThroughput'];
  if (env.XTM_BLOB_STORE) c.blobStore = env.XTM_BLOB_STORE;
  if (env.XTM_ADMIN_AUTH) c.adminAuth = env.XTM_ADMIN_AUTH !== 'off';
  if (env.XTM_PUBLIC_URL) c.publicUrl = env.XTM_PUBLIC_URL.replace(/\/+$/, '');
  if (env.XTM_MAX_CONNECTIONS) c.maxConnections = Number(env.XTM_MAX_CONNECTIONS);
  if (env.XTM_REQUEST_TIMEOUT_MS) c.requestTimeoutMs = Number(env.XTM_REQUEST_TIMEOUT_MS);
  if (env.XTM_SHUTDOWN_TIMEOUT_MS) c.shutdownTimeoutMs = Number(env.XTM_SHUTDOWN_TIMEOUT_MS);
  return c;
}
