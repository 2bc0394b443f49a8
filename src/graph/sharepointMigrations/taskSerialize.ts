// sharePointMigrationTask → Graph JSON (graph-api-surface.md §8.2): parameters echo the request with the
// resolved identities; timestamps and error appear once known. The move state and sub-stage are
// carried as instance annotations (@xtm.moveState, @xtm.moveStage), which OData clients ignore.
import type { SpoMigrationTasksTable } from '../../store/schema.js';
import { parseJson } from '../../store/json.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';
import type { StoredParameters } from '../../engine/odsp/spoTaskService.js';

export const TASK_TYPE = 'microsoft.graph.sharePointMigrationTask';
export const TASK_PROPERTIES = ['id', 'parameters', 'status', 'startedDateTime', 'lastUpdatedDateTime', 'finishedDateTime', 'error'] as const;

export function parametersToGraph(raw: Record<string, unknown>, echo: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw, ...echo };
  out['@odata.type'] = `#${String(raw['@odata.type'] ?? '').replace(/^#/, '')}`;
  // `targetDataLocationCode: null` asks for the default geo; the service echoes the resolved code.
  if ('targetDataLocationCode' in raw && raw.targetDataLocationCode === null) out.targetDataLocationCode = 'NAM';
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

export function taskToGraph(t: SpoMigrationTasksTable): Record<string, unknown> {
  const p = parseJson<StoredParameters>(t.parameters, { request: { type: 'user', validateOnly: false }, raw: {}, echo: {} });
  const out: Record<string, unknown> = { id: t.id, status: t.status, parameters: parametersToGraph(p.raw, p.echo) };
  if (t.started_at) out.startedDateTime = formatDateTimeOffset(t.started_at);
  out.lastUpdatedDateTime = formatDateTimeOffset(t.updated_at);
  if (t.finished_at) out.finishedDateTime = formatDateTimeOffset(t.finished_at);
  if (t.error) out.error = parseJson(t.error, null);
  out['@xtm.moveState'] = t.move_state;
  if (t.stage) out['@xtm.moveStage'] = t.stage;
  return out;
}
