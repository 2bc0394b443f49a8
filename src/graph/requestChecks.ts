// Request rules every Graph route shares: `@odata.type` must name the expected type (or be left out),
// and bound actions take no parameters (no body, an empty body or `{}`; anything else is a 400).
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Errors } from './errors.js';

const PREFIX = '^#?';

/** Schema of an optional `@odata.type` that must be `#<typeName>` (or `<typeName>`). */
export const odataTypeSchema = (typeName: string) => Type.Optional(Type.String({ pattern: `${PREFIX}${typeName.replace(/\./g, '\\.')}$` }));

/** The type an `@odata.type` pattern stands for (validation messages). */
export function expectedTypeOf(pattern: unknown): string | undefined {
  return typeof pattern === 'string' && pattern.startsWith(PREFIX) ? pattern.slice(PREFIX.length, -1).replace(/\\\./g, '.') : undefined;
}

export const wrongOdataType = (path: string, value: unknown, expected: string) =>
  Errors.invalidProperty(path, `'${String(value)}' is not the type of this value; expected '#${expected}'.`);

/** Checks an `@odata.type` of a body whose other checks are done by hand (PATCH). */
export function checkOdataType(body: Record<string, unknown>, typeName: string, path = '@odata.type'): void {
  const v = body['@odata.type'];
  if (v === undefined) return;
  if (typeof v !== 'string' || v.replace(/^#/, '') !== typeName) throw wrongOdataType(path, v, typeName);
}

/** Route-level preValidation hook of a bound action: it has no parameters. */
export function noParameters(action: string) {
  return async (req: FastifyRequest): Promise<void> => {
    const body = req.body as unknown;
    // JSON `null` counts as no body: the Graph JS client sends it for `.post(null)`.
    if (body === undefined || body === null) return;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw Errors.badRequest(`The action '${action}' takes no parameters: send no body, an empty body or {}.`);
    }
    const [first] = Object.keys(body);
    if (first !== undefined) throw Errors.badRequest(`The parameter '${first}' in the request payload is not a valid parameter for the operation '${action}'.`, first);
  };
}
