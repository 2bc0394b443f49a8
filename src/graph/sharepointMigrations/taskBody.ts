// The create body of crossOrganizationMigrationTasks (graph-api-surface.md §8.3) on the wire: a JSON
// object whose only writable property is `parameters` (read-only ones a client echoes are ignored).
// What the parameters of each task type must hold is the domain rule domain/spoTaskParameters.ts.
import { Errors } from '../errors.js';
import type { SpoTaskRequest } from '../../domain/spoMigrationTask.js';
import { spoTaskRequestOf } from '../../domain/spoTaskParameters.js';

const TASK_TYPE = 'microsoft.graph.sharePointMigrationTask';
const READ_ONLY = ['parameters', 'id', 'status', '@odata.type', 'startedDateTime', 'lastUpdatedDateTime', 'finishedDateTime', 'error'];

export function parseCreateTask(body: unknown): { request: SpoTaskRequest; parameters: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Errors.badRequest('The request body must be a JSON object with parameters.');
  for (const k of Object.keys(body)) if (!READ_ONLY.includes(k)) throw Errors.unknownProperty(k, TASK_TYPE);
  const t = (body as Record<string, unknown>)['@odata.type'];
  if (t !== undefined && (typeof t !== 'string' || t.replace(/^#/, '') !== TASK_TYPE)) throw Errors.invalidProperty('@odata.type', `'${String(t)}' is not the type of this value; expected '#${TASK_TYPE}'.`);
  return spoTaskRequestOf((body as Record<string, unknown>).parameters);
}
