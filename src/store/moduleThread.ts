// Starts one of xtm's modules in a worker thread. Compiled (dist/*.js) the thread runs the module
// directly; from sources (tests, tsx) it runs threadBoot.mjs, which registers tsx in the thread first
// (module hooks do not cross into worker threads) and then imports the module.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `name` is the module's path without extension, relative to `from` (the caller's import.meta.url). */
export function moduleThread<D extends object>(from: string, name: string, data: D): Worker {
  const compiled = extname(fileURLToPath(from)) === '.js';
  const entry = new URL(`${name}${compiled ? '.js' : '.ts'}`, from);
  return new Worker(compiled ? entry : new URL('./threadBoot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}
