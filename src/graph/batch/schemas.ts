// JSON batching (graph-api-surface.md §10.7, DC concepts/json-batching.md): the request and response
// envelopes. Structural rules the schema cannot say (20 requests, unique ids, dependsOn) live in plan.ts.
import { Type, type Static } from 'typebox';

export const MAX_BATCH_REQUESTS = 20;

export const BatchRequestItem = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256, description: 'Correlates the response; unique in the batch, not case-sensitive.' }),
  method: Type.String({ minLength: 1, maxLength: 16 }),
  url: Type.String({ minLength: 1, maxLength: 8192, description: 'Relative to the version root, e.g. /solutions/migrations/crossTenantMigrationJobs.' }),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  body: Type.Optional(Type.Unknown({ description: 'A JSON value, or a base64 string for other content types.' })),
  dependsOn: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: MAX_BATCH_REQUESTS })),
  atomicityGroup: Type.Optional(Type.String()),
});
export type BatchRequestItem = Static<typeof BatchRequestItem>;

export const BatchRequestBody = Type.Object({
  requests: Type.Array(BatchRequestItem, { description: `At most ${MAX_BATCH_REQUESTS} requests.` }),
}, { additionalProperties: false });
export type BatchRequestBody = Static<typeof BatchRequestBody>;

export const BatchResponseItem = Type.Object({
  id: Type.String(),
  status: Type.Integer(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.Optional(Type.Unknown()),
});
export type BatchResponseItem = Static<typeof BatchResponseItem>;

export const BatchResponseBody = Type.Object({ responses: Type.Array(BatchResponseItem) });
