// Checks a JSON batch before anything runs and orders it: ids unique (case-insensitively), every
// dependsOn names a request of the batch, no cycle. A bad batch is one 400 and nothing executes.
import { Errors, type GraphError } from '../errors.js';
import { MAX_BATCH_REQUESTS, type BatchRequestItem } from './schemas.js';

export const BATCH_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export interface BatchStep {
  item: BatchRequestItem;
  key: string; // lower-cased id
  deps: string[]; // lower-cased ids
}

export function planBatch(requests: BatchRequestItem[]): BatchStep[] {
  if (requests.length === 0) throw bad('The batch request must contain at least one request.', 'requests');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw bad(`The batch request contains ${requests.length} requests; a batch can contain at most ${MAX_BATCH_REQUESTS}.`, 'requests');
  }
  const steps = new Map<string, BatchStep>();
  requests.forEach((item, i) => {
    const key = item.id.toLowerCase();
    if (steps.has(key)) throw bad(`Batch request ids must be unique; the id '${item.id}' is used more than once.`, `requests[${i}].id`);
    const method = item.method.toUpperCase();
    if (!(BATCH_METHODS as readonly string[]).includes(method)) throw bad(`Request '${item.id}': the method '${item.method}' is not supported in a batch.`, `requests[${i}].method`);
    if (item.body !== undefined && !headerOf(item, 'content-type')) {
      throw bad(`Request '${item.id}' has a body but no Content-Type header.`, `requests[${i}].headers`);
    }
    steps.set(key, { item, key, deps: (item.dependsOn ?? []).map((d) => d.toLowerCase()) });
  });
  for (const s of steps.values()) {
    for (const d of s.deps) {
      if (!steps.has(d)) throw bad(`Request '${s.item.id}' depends on '${d}', which is not a request of this batch.`, 'dependsOn');
      if (d === s.key) throw bad(`Request '${s.item.id}' depends on itself.`, 'dependsOn');
    }
  }
  const cycle = findCycle(steps);
  if (cycle) throw bad(`The dependsOn properties form a cycle: ${cycle.join(' -> ')}.`, 'dependsOn');
  return [...steps.values()];
}

/** Depth-first search; returns the ids on a cycle (first repeated at the end), or undefined. */
function findCycle(steps: Map<string, BatchStep>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'open') return [...path.slice(path.indexOf(key)), key].map((k) => steps.get(k)!.item.id);
    state.set(key, 'open');
    path.push(key);
    for (const d of steps.get(key)!.deps) {
      const c = visit(d);
      if (c) return c;
    }
    path.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of steps.keys()) {
    const c = visit(key);
    if (c) return c;
  }
  return undefined;
}

export function headerOf(item: BatchRequestItem, name: string): string | undefined {
  for (const [k, v] of Object.entries(item.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

function bad(message: string, target: string): GraphError {
  return Errors.badRequest(message, target);
}
