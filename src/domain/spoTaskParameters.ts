// The rules of a SharePoint migration task's `parameters` (graph-api-surface.md §8.3): the type is told
// by `@odata.type`, each type has its own properties and required ones (site: both URLs; user and group:
// both identities), and values must be well-formed. Pure, so the Graph route, the admin API, the
// scenario loader or the CLI check a task the same way; a refusal names the field as
// "parameters.<name>" ("Cannot process the request because the required parameter {name} is missing.").
import { DomainErrors as Errors } from './errors.js';
import { GUID_RE, UPN_RE } from './spoIdentityMap.js';
import { ParameterTypes, type IdentityRef, type SpoTaskRequest, type SpoTaskType } from './spoMigrationTask.js';
import { parseDateTimeOffset } from './dateTime.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const missing = Errors.spoParameterMissing;
const bad = (name: string, why: string) => Errors.invalidProperty(name, why);

/** Properties every parameters type has, and those of each type besides. */
const COMMON = ['@odata.type', 'targetOrganizationId', 'targetOrganizationHost', 'targetDataLocationCode', 'preferredStartDateTime', 'preferredLatestStartDateTime', 'validateOnly', 'sourceSiteUrl', 'targetSiteUrl'];
const EXTRA: Record<SpoTaskType, string[]> = { user: ['sourceUserIdentity', 'targetUserIdentity'], site: [], group: ['sourceGroupIdentity', 'targetGroupIdentity'] };

function url(p: Obj, name: string, required: boolean): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) {
    if (required) throw missing(`parameters.${name}`);
    return undefined;
  }
  if (typeof v !== 'string') throw bad(`parameters.${name}`, 'must be a string.');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(`parameters.${name}`, `'${v}' is not an absolute URL.`);
  }
  if (u.protocol !== 'https:' || u.search || u.hash) throw bad(`parameters.${name}`, `'${v}' must be an https URL without query or fragment.`);
  if (v.includes("'")) throw bad(`parameters.${name}`, `'${v}' contains an invalid character (').`);
  return v.replace(/\/+$/, '');
}

function date(p: Obj, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  const ms = parseDateTimeOffset(v);
  const parsed = ms === undefined ? undefined : new Date(ms).toISOString();
  if (parsed === undefined) throw bad(`parameters.${name}`, `'${String(v)}' is not a valid DateTimeOffset (ISO 8601, e.g. 2026-08-31T16:00:00Z).`);
  return parsed;
}

function identity(p: Obj, name: string, kind: 'user' | 'group'): IdentityRef {
  const v = p[name];
  if (v === undefined || v === null) throw missing(`parameters.${name}`);
  if (!isObj(v)) throw bad(`parameters.${name}`, 'must be an object.');
  const allowed = kind === 'user' ? ['@odata.type', 'id', 'userPrincipalName', 'displayName', 'ipAddress'] : ['@odata.type', 'id', 'mailNickname', 'displayName'];
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw Errors.unknownProperty(`parameters.${name}.${k}`, kind === 'user' ? 'microsoft.graph.userIdentity' : 'microsoft.graph.groupIdentity');
  const out: IdentityRef = {};
  for (const k of ['id', 'userPrincipalName', 'mailNickname', 'displayName'] as const) {
    if (v[k] === undefined || v[k] === null) continue;
    if (typeof v[k] !== 'string') throw bad(`parameters.${name}.${k}`, 'must be a string.');
    out[k] = v[k] as string;
  }
  if (out.id !== undefined && !GUID_RE.test(out.id)) throw bad(`parameters.${name}.id`, `'${out.id}' is not a valid GUID.`);
  if (out.userPrincipalName !== undefined && !UPN_RE.test(out.userPrincipalName)) throw bad(`parameters.${name}.userPrincipalName`, `'${out.userPrincipalName}' is not a valid user principal name.`);
  if (kind === 'user' && !out.id && !out.userPrincipalName) throw missing(`parameters.${name}.userPrincipalName`);
  if (kind === 'group' && !out.id && !out.mailNickname) throw missing(`parameters.${name}.mailNickname`);
  return out;
}

/**
 * The checked request of a task's `parameters`, and the parameters as the task keeps and echoes them
 * (a bare targetOrganizationHost written as its https URL). Throws the first refusal as a DomainError.
 */
export function spoTaskRequestOf(parameters: unknown): { request: SpoTaskRequest; parameters: Obj } {
  if (parameters === undefined || parameters === null) throw missing('parameters');
  if (!isObj(parameters)) throw bad('parameters', 'must be an object.');
  let p = parameters;
  const odataType = p['@odata.type'];
  if (odataType === undefined) throw missing('parameters.@odata.type');
  const typeName = typeof odataType === 'string' ? odataType.replace(/^#/, '') : '';
  const type = ParameterTypes[typeName];
  if (!type) {
    throw bad('parameters.@odata.type', `'${String(odataType)}' is not one of #microsoft.graph.sharePointUserMigrationTaskParameters, #microsoft.graph.sharePointSiteMigrationTaskParameters, #microsoft.graph.sharePointGroupMigrationTaskParameters.`);
  }
  for (const k of Object.keys(p)) if (!COMMON.includes(k) && !EXTRA[type].includes(k)) throw Errors.unknownProperty(`parameters.${k}`, typeName);
  const targetOrganizationId = p.targetOrganizationId;
  if (targetOrganizationId !== undefined && targetOrganizationId !== null && (typeof targetOrganizationId !== 'string' || !GUID_RE.test(targetOrganizationId))) {
    throw bad('parameters.targetOrganizationId', `'${String(targetOrganizationId)}' is not a valid GUID.`);
  }
  // The property is named "host" and Microsoft's examples send an https URL: a bare host name means that URL.
  if (typeof p.targetOrganizationHost === 'string' && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\/?$/i.test(p.targetOrganizationHost)) {
    p = { ...p, targetOrganizationHost: `https://${p.targetOrganizationHost.replace(/\/$/, '')}` };
  }
  const host = url(p, 'targetOrganizationHost', false);
  if (host && new URL(host).pathname !== '/') throw bad('parameters.targetOrganizationHost', `'${host}' must be a host URL such as https://fabrikam-my.sharepoint.com.`);
  const loc = p.targetDataLocationCode;
  if (loc !== undefined && loc !== null && (typeof loc !== 'string' || !/^[A-Z]{3}$/i.test(loc))) throw bad('parameters.targetDataLocationCode', `'${String(loc)}' is not a geo location code such as NAM.`);
  const validateOnly = p.validateOnly;
  if (validateOnly !== undefined && validateOnly !== null && typeof validateOnly !== 'boolean') throw bad('parameters.validateOnly', 'must be true or false.');
  const request: SpoTaskRequest = {
    type,
    targetOrganizationId: (targetOrganizationId as string | undefined) ?? undefined,
    targetOrganizationHost: host,
    targetDataLocationCode: loc === undefined ? undefined : (loc as string | null),
    preferredStartDateTime: date(p, 'preferredStartDateTime'),
    preferredLatestStartDateTime: date(p, 'preferredLatestStartDateTime'),
    validateOnly: validateOnly === true,
    sourceSiteUrl: url(p, 'sourceSiteUrl', type === 'site'),
    targetSiteUrl: url(p, 'targetSiteUrl', type === 'site'),
  };
  if (request.preferredStartDateTime && request.preferredLatestStartDateTime && Date.parse(request.preferredLatestStartDateTime) <= Date.parse(request.preferredStartDateTime)) {
    throw bad('parameters.preferredLatestStartDateTime', 'must be later than preferredStartDateTime.');
  }
  if (type === 'user') {
    request.sourceUserIdentity = identity(p, 'sourceUserIdentity', 'user');
    request.targetUserIdentity = identity(p, 'targetUserIdentity', 'user');
  }
  if (type === 'group') {
    request.sourceGroupIdentity = identity(p, 'sourceGroupIdentity', 'group');
    request.targetGroupIdentity = identity(p, 'targetGroupIdentity', 'group');
  }
  return { request, parameters: p };
}
