// Admin requests are checked against their route schemas (mostly the tenant model's TypeBox schemas) by
// TypeBox here, not by Fastify's Ajv, so a refusal names the field the way the invariants and scenario
// files do: one 400, every problem in `details`. adminValidatorCompiler installs it for the admin scope.
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { explainSchemaErrors } from '../../tenants/schemaErrors.js';
import { Errors, type GraphError } from '../errors.js';

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();
const compile = (schema: TSchema) => {
  let v = compiled.get(schema);
  if (!v) {
    v = Compile(schema);
    compiled.set(schema, v);
  }
  return v;
};

/** The error of a value that fails `schema`, or undefined when it passes. */
function check(schema: TSchema, value: unknown, prefix: string): GraphError | undefined {
  const v = compile(schema);
  return v.Check(value) ? undefined : Errors.adminIssues(explainSchemaErrors(v.Errors(value), value, schema, prefix));
}

/** The body as the schema's type, or a 400 naming every bad field (paths prefixed with `prefix`). */
export function validateBody<S extends TSchema>(schema: S, body: unknown, prefix = ''): Static<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw Errors.badRequest('The request body must be a JSON object.');
  const err = check(schema, body, prefix);
  if (err) throw err;
  return body as Static<S>;
}

/** Fastify's validatorCompiler for the admin scope: the same check for params, querystring and body. */
export function adminValidatorCompiler({ schema, httpPart, contentType }: { schema: unknown; httpPart?: string; contentType?: string }) {
  // A body that is not JSON (text/csv) is a stream its route reads and checks itself.
  if (httpPart === 'body' && contentType && !/json/i.test(contentType)) return () => true;
  const s = schema as TSchema;
  const optionalBody = httpPart === 'body' && (s as { '~optional'?: boolean })['~optional'] === true;
  return (data: unknown) => {
    if (httpPart === 'body') {
      if (data === undefined && optionalBody) return { value: data };
      if (data === undefined || data === null || typeof data !== 'object' || Array.isArray(data)) return { error: Errors.badRequest('The request body must be a JSON object.') };
    }
    const err = check(s, data, '');
    return err ? { error: err } : { value: data };
  };
}
