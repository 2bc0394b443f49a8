// Admin request bodies are checked against the tenant model's TypeBox schemas here (not by Fastify's
// Ajv), so a refusal names the field the way the invariants do: one 400, every problem in `details`.
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { explainSchemaErrors } from '../../tenants/schemaErrors.js';
import { Errors } from '../errors.js';

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/** The body as the schema's type, or a 400 naming every bad field (paths prefixed with `prefix`). */
export function validateBody<S extends TSchema>(schema: S, body: unknown, prefix = ''): Static<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw Errors.badRequest('The request body must be a JSON object.');
  let v = compiled.get(schema);
  if (!v) {
    v = Compile(schema);
    compiled.set(schema, v);
  }
  if (v.Check(body)) return body as Static<S>;
  throw Errors.adminIssues(explainSchemaErrors(v.Errors(body), body, schema, prefix));
}
