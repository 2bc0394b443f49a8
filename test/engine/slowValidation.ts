// Validation double for the SIGKILL tests: logs each start and end (pid) to $XTM_TEST_VALIDATION_LOG and
// takes a while, so a test can kill the process that runs it in the middle, then count the runs.
import { appendFileSync } from 'node:fs';
import type { ValidationExecutor } from '../../src/engine/jobs/validationPort.js';
import { existenceOnlyValidation } from '../existenceOnlyValidation.js';

export const slowCountingValidation: ValidationExecutor = async (store, job, userIds, opts) => {
  const log = process.env.XTM_TEST_VALIDATION_LOG;
  if (log) appendFileSync(log, `start ${process.pid} ${userIds.length}\n`);
  await new Promise((r) => setTimeout(r, Number(process.env.XTM_TEST_VALIDATION_MS ?? 1500)));
  const result = await existenceOnlyValidation(store, job, userIds, opts);
  if (log) appendFileSync(log, `end ${process.pid} ${result.size}\n`);
  return result;
};
