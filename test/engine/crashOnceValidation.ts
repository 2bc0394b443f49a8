// Validation double for the worker-thread restart test: the first call (marker file absent) throws an
// uncaught error in the worker thread, which ends the thread; every later call validates normally.
import { existsSync, writeFileSync } from 'node:fs';
import type { ValidationExecutor } from '../../src/engine/jobs/validationPort.js';
import { existenceOnlyValidation } from '../existenceOnlyValidation.js';

export const crashOnce: ValidationExecutor = async (store, job, userIds, opts) => {
  const marker = process.env.XTM_TEST_CRASH_MARKER;
  if (marker && !existsSync(marker)) {
    writeFileSync(marker, 'crashed');
    setTimeout(() => {
      throw new Error('boom: an uncaught error in task code');
    }, 0);
    return new Promise(() => undefined); // never answers: the thread ends first
  }
  return existenceOnlyValidation(store, job, userIds, opts);
};
