// Every issue a crossTenantMigrationJob create body would be refused for, as the messages the API
// answers with: the request schema (CreateJobBody, all errors) and then the domain's create-time rules
// (domain/jobInput.ts). The offline `xtm validate` lists them; the server stops at the first.
import { Compile } from 'typebox/compile';
import { Format } from 'typebox/format';
import { parseDateTimeOffset } from '../../domain/dateTime.js';
import { checkCreateJobInput, invalidDateTime, type CreateJobInput, type JobInputContext } from '../../domain/jobInput.js';
import { Errors, fromDomainError } from '../errors.js';
import { CreateJobBody, JOB_TYPE } from './schemas.js';

// The schema's `date-time` is the API's one DateTimeOffset parser here too (as in graph/app.ts for ajv).
Format.Set('date-time', (v) => parseDateTimeOffset(v) !== undefined);
const validator = Compile(CreateJobBody);

interface SchemaError { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }

export function createJobIssues(body: unknown, ctx: JobInputContext): string[] {
  const structural: string[] = [];
  let typesOk = true; // only format errors: the values have the right types, so the rules can run too
  for (const e of validator.Errors(body) as Iterable<SchemaError>) {
    if (e.keyword !== 'format') typesOk = false;
    const path = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
    const at = (p: string) => (path ? `${path}.${p}` : p);
    if (e.keyword === 'required') for (const p of e.params.requiredProperties as string[]) structural.push(Errors.missingProperty(at(p)).message);
    else if (e.keyword === 'additionalProperties') for (const p of e.params.additionalProperties as string[]) structural.push(Errors.unknownProperty(at(p), JOB_TYPE).message);
    else if (e.keyword === 'boolean') continue; // the same unknown property, reported above
    else if (e.keyword === 'format' && path) structural.push(fromDomainError(invalidDateTime(path, valueAt(body, e.instancePath))).message);
    else structural.push(path ? Errors.invalidProperty(path, e.message ?? 'invalid value').message : `Invalid request body: ${e.message ?? 'invalid value'}.`);
  }
  if (!typesOk) return [...new Set(structural)];
  return [...new Set([...structural, ...checkCreateJobInput(body as CreateJobInput, ctx).issues.map((i) => fromDomainError(i).message)])];
}

function valueAt(body: unknown, pointer: string): unknown {
  let v = body;
  for (const seg of pointer.split('/').slice(1)) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  return v;
}
