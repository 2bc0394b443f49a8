// Worker-thread bootstrap: module hooks registered in the main thread (tsx) do not reach a worker
// thread, so register them here before loading the TypeScript entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
