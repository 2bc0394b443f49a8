/**
 * Field maps: which Graph properties of a resource can be filtered/sorted, how
 * they map to columns, and how `$filter` literals are type-checked and turned
 * into database values. `resolveFilter` is the single place where a parsed
 * filter meets a resource, so every type error is raised before any SQL exists.
 */
import { ODataQueryError } from './errors.js';
import type { ListFilter } from '../../store/listQuery.js';
import { literalText, type ComparisonOp, type FilterNode, type Literal } from './filter.js';

export type FieldType = 'string' | 'enum' | 'datetime' | 'guid' | 'int' | 'bool';

export interface FieldSpec {
  /** Column reference; may be qualified ('t.col'). Always quoted as an identifier. */
  column: string;
  type: FieldType;
  /** Required for 'enum': the Graph enum members, canonical case. */
  enumValues?: readonly string[];
  /** Compare (and sort) via lower(column) against a lower-cased literal. */
  caseInsensitive?: boolean;
  /** Default true. */
  filterable?: boolean;
  /** Default true. */
  sortable?: boolean;
  /**
   * Converts a checked JS value (string, number, boolean, Date) to what the store
   * binds. Defaults: datetime -> ISO string, bool -> 1/0 (binds on SQLite and pg),
   * everything else unchanged. Not applied to startswith/endswith/contains patterns.
   */
  toDb?: (v: unknown) => unknown;
}

/** Key = Graph property name (or declared nested path 'a/b'); lookups are case-insensitive. */
export type FieldMap = Record<string, FieldSpec>;

/** A filter checked against a FieldMap: columns resolved, literals converted to DB values (the store applies it). */
export type ResolvedFilter = ListFilter;

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE_LABEL: Record<FieldType, string> = {
  string: 'a string', enum: 'an enum', datetime: 'a DateTimeOffset', guid: 'a GUID', int: 'an integer', bool: 'a boolean',
};

const indexCache = new WeakMap<FieldMap, Map<string, string>>();

/** Case-insensitive lookup; returns the canonical (declared) name and its spec. */
export function lookupField(fields: FieldMap, name: string): { name: string; spec: FieldSpec } | undefined {
  if (Object.prototype.hasOwnProperty.call(fields, name)) return { name, spec: fields[name]! };
  let index = indexCache.get(fields);
  if (!index) {
    index = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
    indexCache.set(fields, index);
  }
  const canonical = index.get(name.toLowerCase());
  return canonical === undefined ? undefined : { name: canonical, spec: fields[canonical]! };
}

export function filterableNames(fields: FieldMap): string[] {
  return Object.keys(fields).filter((k) => fields[k]!.filterable !== false);
}

export function sortableNames(fields: FieldMap): string[] {
  return Object.keys(fields).filter((k) => fields[k]!.sortable !== false);
}

function err(detail: string): ODataQueryError {
  return new ODataQueryError(`Invalid $filter: ${detail}`, '$filter');
}

function filterableField(fields: FieldMap, property: string): { name: string; spec: FieldSpec } {
  const found = lookupField(fields, property);
  if (!found || found.spec.filterable === false) {
    throw err(`property '${property}' is not filterable on this resource. ` +
      `Filterable: ${filterableNames(fields).join(', ') || '(none)'}.`);
  }
  return found;
}

function toDb(spec: FieldSpec, v: unknown): unknown {
  if (spec.toDb) return spec.toDb(v);
  if (spec.type === 'datetime' && v instanceof Date) return v.toISOString();
  if (spec.type === 'bool' && typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function mismatch(name: string, spec: FieldSpec, expected: string, lit: Literal): ODataQueryError {
  return err(`${name} is ${TYPE_LABEL[spec.type]} property; expected ${expected} but found ${literalText(lit)}.`);
}

/** Type-checks one non-null literal for a field and returns the DB value. */
export function checkLiteral(name: string, spec: FieldSpec, lit: Literal): unknown {
  switch (spec.type) {
    case 'string':
      if (lit.kind !== 'string') throw mismatch(name, spec, 'a quoted string literal', lit);
      return toDb(spec, spec.caseInsensitive ? lit.value.toLowerCase() : lit.value);
    case 'enum': {
      if (lit.kind !== 'string') throw mismatch(name, spec, 'a quoted enum member', lit);
      const members = spec.enumValues ?? [];
      const member = members.find((m) => m.toLowerCase() === lit.value.toLowerCase());
      if (member === undefined) {
        throw err(`${literalText(lit)} is not a valid value for ${name}. Valid values: ${members.join(', ')}.`);
      }
      return toDb(spec, spec.caseInsensitive ? member.toLowerCase() : member);
    }
    case 'datetime':
      if (lit.kind !== 'datetime') {
        throw mismatch(name, spec, 'an unquoted DateTimeOffset literal such as 2026-01-01T00:00:00Z', lit);
      }
      return toDb(spec, new Date(lit.value.getTime()));
    case 'guid':
      if (lit.kind === 'guid') return toDb(spec, lit.value);
      if (lit.kind === 'string' && GUID_TEXT.test(lit.value)) return toDb(spec, lit.value.toLowerCase());
      throw mismatch(name, spec, 'a GUID', lit);
    case 'int':
      if (lit.kind !== 'int') throw mismatch(name, spec, 'an integer literal', lit);
      return toDb(spec, lit.value);
    case 'bool':
      if (lit.kind !== 'bool') throw mismatch(name, spec, 'true or false', lit);
      return toDb(spec, lit.value);
  }
}

/** Only string/int/datetime have a meaningful order in the store. */
function checkOrdered(op: ComparisonOp, name: string, spec: FieldSpec): void {
  if ((op === 'eq' || op === 'ne') || spec.type === 'string' || spec.type === 'int' || spec.type === 'datetime') return;
  throw err(`operator '${op}' is not supported for ${TYPE_LABEL[spec.type]} property ${name}; use eq, ne or in.`);
}

/** Checks a parsed filter against a resource's fields; throws ODataQueryError('$filter'). */
export function resolveFilter(node: FilterNode, fields: FieldMap): ResolvedFilter {
  switch (node.type) {
    case 'and':
    case 'or':
      return { type: node.type, left: resolveFilter(node.left, fields), right: resolveFilter(node.right, fields) };
    case 'not':
      return { type: 'not', operand: resolveFilter(node.operand, fields) };
    case 'compare': {
      const { name, spec } = filterableField(fields, node.property);
      const lower = spec.caseInsensitive === true;
      if (node.value.kind === 'null') {
        if (node.op !== 'eq' && node.op !== 'ne') {
          throw err(`null can only be compared with eq or ne (found '${name} ${node.op} null').`);
        }
        return { type: 'compare', op: node.op, column: spec.column, lower, value: null };
      }
      checkOrdered(node.op, name, spec);
      return { type: 'compare', op: node.op, column: spec.column, lower, value: checkLiteral(name, spec, node.value) };
    }
    case 'in': {
      const { name, spec } = filterableField(fields, node.property);
      const values = node.values.map((lit) => {
        if (lit.kind === 'null') throw err(`null is not allowed in an 'in' list; use '${name} eq null'.`);
        return checkLiteral(name, spec, lit);
      });
      return { type: 'in', column: spec.column, lower: spec.caseInsensitive === true, values };
    }
    case 'function': {
      const { name, spec } = filterableField(fields, node.property);
      if (spec.type !== 'string') {
        throw err(`function '${node.name}' is only supported on string properties; ${name} is ${TYPE_LABEL[spec.type]} property.`);
      }
      const text = node.value.kind === 'string' ? node.value.value : '';
      const lower = spec.caseInsensitive === true;
      return { type: 'like', fn: node.name, column: spec.column, lower, value: lower ? text.toLowerCase() : text };
    }
  }
}
