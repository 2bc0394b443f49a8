// Admin request bodies are checked against the tenant model's TypeBox schemas here (not by Fastify's
// Ajv), so a refusal names the field the way the invariants do: one 400, every problem in `details`.
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { issuesToGraphError, type Issue } from '../../tenants/invariants.js';
import { Errors } from '../errors.js';

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? 'undefined');
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

function pointerToPath(pointer: string): string {
  let p = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    p = /^\d+$/.test(seg) ? `${p}[${seg}]` : p ? `${p}.${seg}` : seg;
  }
  return p;
}

const PATTERN_NAMES: [RegExp, string][] = [
  [/\[0-9a-fA-F\]\{8\}/, 'a valid GUID'],
  [/^\^\(\?=\.\{1,253\}/, 'a valid domain name'],
  [/^\^\[\^@\\s\]\+@/, 'a valid UPN (name@domain)'],
  [/^\^\[\^@\\s:\]\+@/, 'a valid SMTP address'],
  [/^\^https:/, 'an https:// URL'],
];

/** TypeBox errors → one message per field; inside a union only the errors that say something useful. */
function explain(errors: TLocalizedValidationError[], root: unknown, prefix: string): Issue[] {
  const valueAt = (pointer: string): unknown => pointer.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
  const byPath = new Map<string, TLocalizedValidationError[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: Issue[] = [];
  for (const [pointer, list] of byPath) {
    const path = [prefix, pointerToPath(pointer)].filter(Boolean).join('.');
    const value = valueAt(pointer);
    const specific = list.filter((e) => !['type', 'anyOf', 'boolean'].includes(e.keyword));
    if (specific.length === 0) {
      const types = [...new Set(list.filter((e) => e.keyword === 'type').map((e) => String((e.params as { type: unknown }).type)))];
      if (types.length) out.push({ path, message: `must be ${types.join(' or ')}, not ${typeOf(value)}` });
      continue;
    }
    for (const e of specific) {
      const p = e.params as Record<string, unknown>;
      switch (e.keyword) {
        case 'additionalProperties':
          for (const k of p.additionalProperties as string[]) out.push({ path: path ? `${path}.${k}` : k, message: `unknown property '${k}'` });
          break;
        case 'required':
          for (const k of p.requiredProperties as string[]) out.push({ path: path ? `${path}.${k}` : k, message: `missing required property '${k}'` });
          break;
        case 'enum':
          out.push({ path, message: `${show(value)} is not one of: ${(p.allowedValues as unknown[]).join(', ')}` });
          break;
        case 'pattern': {
          const name = PATTERN_NAMES.find(([re]) => re.test(String(p.pattern)))?.[1];
          out.push({ path, message: name ? `${show(value)} is not ${name}` : `${show(value)} does not match ${p.pattern}` });
          break;
        }
        case 'format':
          out.push({ path, message: p.format === 'date-time' ? `${show(value)} is not an ISO 8601 date-time` : `${show(value)} is not a valid ${p.format}` });
          break;
        default:
          out.push({ path, message: e.message });
      }
    }
  }
  return out;
}

/** The body as the schema's type, or a 400 naming every bad field (paths prefixed with `prefix`). */
export function validateBody<S extends TSchema>(schema: S, body: unknown, prefix = ''): Static<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw Errors.badRequest('The request body must be a JSON object.');
  let v = compiled.get(schema);
  if (!v) {
    v = Compile(schema);
    compiled.set(schema, v);
  }
  if (v.Check(body)) return body as Static<S>;
  throw issuesToGraphError(explain(v.Errors(body), body, prefix));
}
