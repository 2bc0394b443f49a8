// One log line per job state change, written by the process that committed it (API or runner), after
// the commit: operators follow a job through its lifecycle at the default log level.
import type { Logger } from 'pino';

export interface JobStatusChange { jobId: string; tenantId: string; from: string; to: string; event: string }

const loggers = new Set<Logger>();

/** Logs this process's job state changes to `log` until the returned function is called. */
export function logJobChanges(log: Logger): () => void {
  loggers.add(log);
  return () => loggers.delete(log);
}

export function jobStatusChanged(c: JobStatusChange): void {
  for (const log of loggers) log.info(c, 'job status changed');
}
