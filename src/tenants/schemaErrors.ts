// TypeBox validation errors → one readable {path, message} per problem, for every body checked against
// the tenant model's schemas: scenario files and admin API requests alike.
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { GUID_PATTERN } from '../domain/naturalKeys.js';

/** '/tenants/0/users/3/id' → 'tenants[0].users[3].id' */
export function pointerToPath(pointer: string): string {
  let p = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    p = /^\d+$/.test(seg) ? `${p}[${seg}]` : p ? `${p}.${seg}` : seg;
  }
  return p;
}

const PATTERN_NAMES: [RegExp, string][] = [
  [new RegExp(`^${escape(GUID_PATTERN)}$`), 'a valid GUID'],
  [/^\^\(\?=\.\{1,253\}/, 'a valid domain name'],
  [/^\^\[\^@\\s\]\+@/, 'a valid UPN (name@domain)'],
  [/^\^\[\^@\\s:\]\+@/, 'a valid SMTP address'],
  [/^\^https:/, 'an https:// URL'],
];
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? 'undefined');
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** TypeBox errors -> one readable message per problem; a union reports only the branch matching the value's type. */
export function explainSchemaErrors(errors: TLocalizedValidationError[], root: unknown, schema: TSchema, prefix = ''): { path: string; message: string }[] {
  const valueAt = (pointer: string): unknown => pointer.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
  const schemaAt = (schemaPath: string): Record<string, unknown> =>
    schemaPath.split('/').slice(1).reduce<unknown>((s, k) => (s as Record<string, unknown>)?.[k], schema) as Record<string, unknown>;
  // For each failed union, keep the errors of the branch whose type matches the value, drop the others.
  const dropped: { instance: string; schema: string }[] = [];
  const unions = new Map<string, boolean>(); // instancePath|schemaPath -> a branch matched the value's type
  for (const e of errors.filter((x) => x.keyword === 'anyOf')) {
    const branches = (schemaAt(e.schemaPath).anyOf as Record<string, unknown>[]) ?? [];
    const t = typeOf(valueAt(e.instancePath));
    const k = branches.findIndex((b) => b.type === t || (b.type === 'number' && t === 'integer'));
    branches.forEach((_, j) => j !== k && dropped.push({ instance: e.instancePath, schema: `${e.schemaPath}/anyOf/${j}` }));
    unions.set(`${e.instancePath}|${e.schemaPath}`, k >= 0);
  }
  const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);
  const out: { path: string; message: string }[] = [];
  for (const e of errors) {
    if (dropped.some((d) => under(e.instancePath, d.instance) && under(e.schemaPath, d.schema))) continue;
    const path = [prefix, pointerToPath(e.instancePath)].filter(Boolean).join('.');
    const value = valueAt(e.instancePath);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'boolean': break; // reported once by its additionalProperties error
      case 'anyOf':
        if (!unions.get(`${e.instancePath}|${e.schemaPath}`)) {
          const types = ((schemaAt(e.schemaPath).anyOf as Record<string, unknown>[]) ?? []).map((b) => b.type).join(' or ');
          out.push({ path, message: `must be ${types}, not ${typeOf(value)}` });
        }
        break;
      case 'additionalProperties':
        for (const k of p.additionalProperties as string[]) out.push({ path: path ? `${path}.${k}` : k, message: `unknown property '${k}'` });
        break;
      case 'required':
        for (const k of p.requiredProperties as string[]) out.push({ path, message: `missing required property '${k}'` });
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
        out.push({ path, message: p.format === 'date-time' ? `${show(value)} is not an ISO 8601 date-time (e.g. 2026-01-01T00:00:00Z)` : `${show(value)} is not a valid ${p.format}` });
        break;
      case 'type':
        out.push({ path, message: `must be ${p.type}, not ${typeOf(value)}` });
        break;
      default:
        out.push({ path, message: e.message });
    }
  }
  return out;
}
