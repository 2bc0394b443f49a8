// Scenario text -> typed Scenario. YAML (JSON is YAML) is parsed into a Document with a LineCounter so
// every error, syntax, schema or invariant, reads `file:line:col path: message`. All errors of a stage
// are collected; invariants run only on a file that passed the schema.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import type { TLocalizedValidationError } from 'typebox/error';
import { explainSchemaErrors } from '../schemaErrors.js';
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
  throw new ScenarioError(explainSchemaErrors(errors, value, Scenario).map(({ path, message }) => ({ file, ...locate(path), path, message })));
}

/** 'tenants[0].users[3].id' -> ['tenants', 0, 'users', 3, 'id'] */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
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

