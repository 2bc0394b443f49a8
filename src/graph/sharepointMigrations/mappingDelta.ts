// The delta payload of PATCH …/crossOrganizationUserMappings and …/crossOrganizationGroupMappings
// (graph-api-surface.md §8.6): {"@context":"#$delta","value":[…]} with at most 50 elements; an element
// with "@removed" deletes. Every element is checked before anything is written; a 400 names the
// element and field (`value[3].sourceUserIdentity.userPrincipalName`).
import { Errors } from '../errors.js';
import {
  GUID_RE, SpoGroupTypes, SpoUserTypes, UPN_RE, spoMappingId, type SpoGroupMapping, type SpoUserMapping,
} from '../../domain/spoIdentityMap.js';
import type { GroupDeltaOp, UserDeltaOp } from '../../store/spoMappingRepo.js';
import { GROUP_MAPPING_TYPE, USER_MAPPING_TYPE } from './mappingSerialize.js';

export const MAX_DELTA_ITEMS = 50;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (path: string, why: string) => Errors.invalidProperty(path, why);

function elements(body: unknown): Obj[] {
  if (!isObj(body)) throw Errors.badRequest('The request body must be a delta payload: {"@context":"#$delta","value":[…]}.');
  for (const k of Object.keys(body)) {
    if (k === 'value') continue;
    if (k === '@context' || k === '@odata.context') {
      if (typeof body[k] !== 'string' || !/#?\$delta$/.test(body[k] as string)) throw bad(k, `'${String(body[k])}' is not a delta payload context; use '#$delta'.`);
      continue;
    }
    throw Errors.unknownProperty(k, 'delta payload');
  }
  const value = body.value;
  if (!Array.isArray(value)) throw Errors.missingProperty('value');
  if (value.length > MAX_DELTA_ITEMS) throw Errors.invalidRequest(`A maximum of ${MAX_DELTA_ITEMS} items is allowed in the value array.`, 'value');
  if (value.length === 0) throw bad('value', 'the value array is empty.');
  return value.map((v, i) => {
    if (!isObj(v)) throw bad(`value[${i}]`, 'each element must be a JSON object.');
    return v;
  });
}

function only(el: Obj, at: string, allowed: readonly string[], typeName: string) {
  for (const k of Object.keys(el)) if (!allowed.includes(k)) throw Errors.unknownProperty(`${at}.${k}`, typeName);
  const t = el['@odata.type'];
  if (t !== undefined && (typeof t !== 'string' || t.replace(/^#/, '') !== typeName)) throw bad(`${at}.@odata.type`, `'${String(t)}' is not the type of this value; expected '#${typeName}'.`);
}

function removed(el: Obj, at: string): boolean {
  const r = el['@removed'];
  if (r === undefined) return false;
  if (!isObj(r) || (r.reason !== undefined && r.reason !== 'deleted' && r.reason !== 'changed')) throw bad(`${at}.@removed`, `expected {"reason":"deleted"}.`);
  return true;
}

function str(el: Obj, path: string[], at: string, check?: { re: RegExp; what: string }, required = true): string | null {
  let cur: unknown = el;
  for (const p of path.slice(0, -1)) {
    const next = (cur as Obj)[p];
    if (next === undefined || next === null) {
      if (required) throw Errors.missingProperty(`${at}.${path.join('.')}`);
      return null;
    }
    if (!isObj(next)) throw bad(`${at}.${path.slice(0, path.indexOf(p) + 1).join('.')}`, 'must be an object.');
    cur = next;
  }
  const v = (cur as Obj)[path[path.length - 1]!];
  if (v === undefined || v === null) {
    if (required) throw Errors.missingProperty(`${at}.${path.join('.')}`);
    return null;
  }
  if (typeof v !== 'string') throw bad(`${at}.${path.join('.')}`, 'must be a string.');
  if (check && !check.re.test(v)) throw bad(`${at}.${path.join('.')}`, `'${v}' is not ${check.what}.`);
  return v;
}

/** An enum member in any casing (Graph's enum parsing ignores case), as the member's own spelling; `unknownFutureValue` is the evolvable-enum sentinel, never an input. */
function enumOf<T extends string>(el: Obj, key: string, at: string, values: readonly T[], fallback: T): T {
  const v = el[key];
  if (v === undefined || v === null) return fallback;
  const accepted = values.filter((x) => x !== 'unknownFutureValue');
  const member = typeof v === 'string' ? accepted.find((x) => x.toLowerCase() === v.toLowerCase()) : undefined;
  if (!member) throw bad(`${at}.${key}`, `'${String(v)}' is not one of ${accepted.join(', ')}.`);
  return member;
}

function checkId(el: Obj, at: string, expected: string) {
  if (el.id !== undefined && el.id !== expected) throw bad(`${at}.id`, `'${String(el.id)}' is not the id of this mapping ('${expected}'); ids are derived from the source identity.`);
}

const UPN = { re: UPN_RE, what: 'a user principal name' };
const GUID = { re: GUID_RE, what: 'a GUID' };
const USER_KEYS = ['@odata.type', '@removed', 'id', 'sourceOrganizationId', 'userType', 'sourceUserIdentity', 'targetUserIdentity', 'targetUserMigrationData', 'deleted'];
const GROUP_KEYS = ['@odata.type', '@removed', 'id', 'sourceOrganizationId', 'groupType', 'sourceGroupIdentity', 'targetGroupIdentity', 'targetGroupMigrationData', 'deleted'];

export function parseUserDelta(body: unknown): UserDeltaOp[] {
  const seen = new Map<string, number>();
  const targets = new Map<string, number>();
  return elements(body).map((el, i): UserDeltaOp => {
    const at = `value[${i}]`;
    only(el, at, USER_KEYS, USER_MAPPING_TYPE);
    const source = str(el, ['sourceUserIdentity', 'userPrincipalName'], at, UPN)!;
    const prev = seen.get(source.toLowerCase());
    if (prev !== undefined) throw bad(`${at}.sourceUserIdentity.userPrincipalName`, `'${source}' is already in value[${prev}]; each source identity may appear once.`);
    seen.set(source.toLowerCase(), i);
    checkId(el, at, spoMappingId('user', source.toLowerCase()));
    if (removed(el, at)) return { op: 'delete', sourceUserPrincipalName: source };
    const target = str(el, ['targetUserIdentity', 'userPrincipalName'], at, UPN)!;
    const prevT = targets.get(target.toLowerCase());
    if (prevT !== undefined) throw bad(`${at}.targetUserIdentity.userPrincipalName`, `'${target}' is already the target of value[${prevT}]; the map is one-to-one.`);
    targets.set(target.toLowerCase(), i);
    const mapping: SpoUserMapping = {
      sourceOrganizationId: str(el, ['sourceOrganizationId'], at, GUID)!.toLowerCase(),
      sourceUserPrincipalName: source,
      targetUserPrincipalName: target,
      targetEmail: str(el, ['targetUserMigrationData', 'email'], at, { re: UPN_RE, what: 'an e-mail address' }, false),
      userType: enumOf(el, 'userType', at, SpoUserTypes, 'regularUser'),
    };
    return { op: 'upsert', mapping };
  });
}

export function parseGroupDelta(body: unknown): GroupDeltaOp[] {
  const seen = new Map<string, number>();
  const targets = new Map<string, number>();
  return elements(body).map((el, i): GroupDeltaOp => {
    const at = `value[${i}]`;
    only(el, at, GROUP_KEYS, GROUP_MAPPING_TYPE);
    const source = str(el, ['sourceGroupIdentity', 'id'], at, GUID)!.toLowerCase();
    const prev = seen.get(source);
    if (prev !== undefined) throw bad(`${at}.sourceGroupIdentity.id`, `'${source}' is already in value[${prev}]; each source identity may appear once.`);
    seen.set(source, i);
    checkId(el, at, spoMappingId('group', source));
    if (removed(el, at)) return { op: 'delete', sourceGroupId: source };
    const target = str(el, ['targetGroupIdentity', 'id'], at, GUID)!.toLowerCase();
    const prevT = targets.get(target);
    if (prevT !== undefined) throw bad(`${at}.targetGroupIdentity.id`, `'${target}' is already the target of value[${prevT}]; the map is one-to-one.`);
    targets.set(target, i);
    const mapping: SpoGroupMapping = {
      sourceOrganizationId: str(el, ['sourceOrganizationId'], at, GUID)!.toLowerCase(),
      sourceGroupId: source,
      targetGroupId: target,
      targetMailNickname: str(el, ['targetGroupMigrationData', 'mailNickname'], at, undefined, false),
      groupType: enumOf(el, 'groupType', at, SpoGroupTypes, 'regularGroup'),
    };
    return { op: 'upsert', mapping };
  });
}
