// Scenario text -> typed Scenario. YAML (JSON is YAML) is parsed into a Document with a LineCounter so
// every error, syntax, schema or invariant, reads `file:line:col path: message`. All errors of a stage
// are collected; invariants run only on a file that passed the schema.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import type { TLocalizedValidationError } from 'typebox/error';
import { GUID_PATTERN } from '../ids.js';
import { Scenario } from './schema.js';

export interface ScenarioIssue { file: string; line: number; col: number; path: string; message: string }

export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];

  constructor(issues: ScenarioIssue[]) {
    issues = [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    super(`scenario refused, nothing was loaded (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

export function formatIssue(i: ScenarioIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.path || '(root)'}: ${i.message}`;
}

export interface ParsedScenario {
  scenario: Scenario;
  /** Line and column of the node a path points at (or of its nearest existing ancestor). */
  locate(path: string): { line: number; col: number };
}

const MAX_SCHEMA_ERRORS = 500;
let validator: ReturnType<typeof Compile<typeof Scenario>> | undefined;

export function parseScenarioText(text: string, file: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length) {
    throw new ScenarioError(syntax.map((e) => ({ file, ...at(e.pos[0]), path: '', message: `${e.code}: ${e.message.split('\n')[0]}` })));
  }
  const locate = (path: string) => at(offsetOf(doc, parsePath(path)));
  const value: unknown = doc.toJS({ maxAliasCount: 10_000 });
  validator ??= Compile(Scenario);
  if (validator.Check(value)) return { scenario: value, locate };
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_SCHEMA_ERRORS }); // TypeBox keeps 8 by default; a file deserves all of them
  let errors: TLocalizedValidationError[];
  try {
    errors = validator.Errors(value);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
  throw new ScenarioError(explainSchemaErrors(errors, value).map(({ path, message }) => ({ file, ...locate(path), path, message })));
}

/** 'tenants[0].users[3].id' -> ['tenants', 0, 'users', 3, 'id'] */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function pointerToPath(pointer: string): string {
  let p = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    p = /^\d+$/.test(seg) ? `${p}[${seg}]` : p ? `${p}.${seg}` : seg;
  }
  return p;
}

function offsetOf(doc: Document, segments: (string | number)[]): number {
  let node = doc.contents as Node | null;
  let pos = node?.range?.[0] ?? 0;
  for (const s of segments) {
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(s));
      if (!pair) break;
      pos = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? pos;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof s === 'number' && node.items[s]) {
      node = node.items[s] as Node;
      pos = node.range?.[0] ?? pos;
    } else break;
  }
  return pos;
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
export function explainSchemaErrors(errors: TLocalizedValidationError[], root: unknown): { path: string; message: string }[] {
  const valueAt = (pointer: string): unknown => pointer.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
  const schemaAt = (schemaPath: string): Record<string, unknown> =>
    schemaPath.split('/').slice(1).reduce<unknown>((s, k) => (s as Record<string, unknown>)?.[k], Scenario) as Record<string, unknown>;
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
    const path = pointerToPath(e.instancePath);
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
