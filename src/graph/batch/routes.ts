// POST /$batch (both versions). The batch itself needs a valid token (any permission); every inner
// request is then authorised on its own, with the batch's token, like a direct call.
import type { GraphApp } from '../app.js';
import { graphVersion, requestOrigin } from '../odataResponse.js';
import { executeBatch } from './execute.js';
import { planBatch } from './plan.js';
import { BatchRequestBody, BatchResponseBody } from './schemas.js';

export function batchRoutes(app: GraphApp): void {
  app.post('/$batch', {
    config: { graphType: 'microsoft.graph.batchRequest' },
    schema: { body: BatchRequestBody, response: { 200: BatchResponseBody }, summary: 'JSON batching: up to 20 requests, with dependsOn' },
  }, async (req, reply) => {
    const steps = planBatch(req.body.requests);
    const responses = await executeBatch(steps, {
      app: req.server,
      version: graphVersion(req),
      origin: requestOrigin(req),
      authorization: req.headers.authorization,
      clientRequestId: String(reply.getHeader('client-request-id') ?? req.id),
    });
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').header('odata-version', '4.0').send({ responses });
  });
}
