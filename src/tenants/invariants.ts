// Invariants of the directory and Exchange objects: pure checks with precise messages, shared by the
// scenario loader and the admin API. They read a DirectoryIndex (store + batch) and push {path, message}
// issues; they never throw for bad input. Content objects are checked in invariants.content.ts.
import type { Issue } from '../domain/errors.js';
import type { DirectoryIndex, TenantIndex } from './directoryIndex.js';
import { FirstPartyApps } from '../domain/tenantVocabulary.js';
import { domainOf, folderLookup, type PreparedGroup, type PreparedOrgRel, type PreparedUser } from './normalize.js';
import { isGuid, lower } from '../domain/naturalKeys.js';
import type { ApplicationInput, RecipientInput, TenantInput, UserInput } from './inputSchemas.js';
import type { ApplicationRecord, MigrationEndpointRecord, RecipientRecord, ServicePrincipalRecord, SpoRelationshipRecord, TenantRecord } from '../domain/tenantRecords.js';

export type { Issue };

/** Appends path segments: at('users[0]', 'mailbox', 'emailAddresses', 2) = 'users[0].mailbox.emailAddresses[2]'. */
export function at(base: string, ...segments: (string | number)[]): string {
  let p = base;
  for (const s of segments) p = typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s;
  return p;
}

/** Collects issues and remembers where each batch key was first seen ("also at …"). */
export class Checker {
  readonly issues: Issue[] = [];
  private readonly seen = new Map<string, string>();

  constructor(readonly index: DirectoryIndex) {}

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** Records a key of the batch; returns the earlier path when it was already used. */
  claim(key: string, path: string): string | undefined {
    const earlier = this.seen.get(key);
    if (earlier === undefined) this.seen.set(key, path);
    return earlier;
  }

  guid(path: string, value: string | null | undefined, what: string): void {
    if (value !== null && value !== undefined && !isGuid(value)) this.add(path, `${what} '${value}' is not a valid GUID`);
  }
}

export const FIRST_PARTY_APP_IDS = new Map<string, string>(Object.values(FirstPartyApps).map((a) => [a.appId, a.name]));
const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const SMTP_RE = /^[^@\s:]+@[^@\s]+\.[^@\s]+$/;
const ADDRESS_TYPES = new Set(['smtp', 'x500', 'x400', 'sip', 'eum', 'spo']);
const tname = (t: TenantRecord): string => `'${t.displayName}' (${t.id})`;

export function checkTenant(c: Checker, input: TenantInput, t: TenantRecord, path: string): void {
  c.guid(at(path, 'id'), input.id, 'tenant id');
  const earlier = c.claim(`tenant:${t.id}`, path);
  if (earlier) c.add(at(path, 'id'), `tenant ${t.id} is defined twice (also at ${earlier})`);
  const names = new Set<string>([t.initialDomain]);
  (input.domains ?? []).forEach((d, i) => {
    const name = lower(typeof d === 'string' ? d : d.name);
    if (name !== t.initialDomain && names.has(name)) c.add(at(path, 'domains', i), `domain '${name}' is listed twice`);
    names.add(name);
  });
  for (const d of t.domains) {
    if (!d.isVerified) continue;
    const owner = c.index.verifiedDomains.get(d.name);
    if (owner && owner !== t.id) {
      const other = c.index.tenant(owner);
      c.add(domainPath(input, path, d.name), `domain '${d.name}' is already a verified domain of tenant ${other ? tname(other.record) : owner}; a domain belongs to one tenant only`);
    }
  }
  if (!t.domains.some((d) => d.name === t.defaultDomain && d.isVerified)) {
    c.add(at(path, 'defaultDomain'), `defaultDomain '${t.defaultDomain}' is not a verified domain of the tenant`);
  }
  for (const other of c.index.tenants.values()) {
    if (other.id !== t.id && other.record.mySiteHost === t.mySiteHost) c.add(at(path, 'mySiteHost'), `mySiteHost '${t.mySiteHost}' is already the host of tenant ${tname(other.record)}`);
  }
}

/**
 * A replaced tenant (whatever the path or endpoint that replaces it) may drop a domain only when no
 * user principal name, SMTP address or group mail of the tenant (store + batch) is in it any more.
 */
export function checkDroppedDomains(c: Checker, t: TenantIndex, before: readonly string[], path: string): void {
  const after = new Set(t.record.domains.map((d) => d.name));
  for (const name of before.filter((n) => !after.has(n))) {
    const suffix = `@${name}`;
    const user = [...t.users.values()].find((u) => lower(u.upn).endsWith(suffix));
    const address = user ? undefined : [...t.addresses.keys()].find((a) => a.endsWith(suffix));
    if (user || address) c.add(path, `domain '${name}' would be removed but is still used by ${user ? `user ${user.upn}` : `address ${address}`}`);
  }
}

function domainPath(input: TenantInput, path: string, name: string): string {
  const i = (input.domains ?? []).findIndex((d) => lower(typeof d === 'string' ? d : d.name) === name);
  return i >= 0 ? at(path, 'domains', i) : at(path, 'initialDomain');
}

export function checkUser(c: Checker, t: TenantIndex, input: UserInput, u: PreparedUser, path: string): void {
  const r = u.record;
  c.guid(at(path, 'id'), input.id, 'user id');
  const upnKey = lower(r.userPrincipalName);
  const suffix = domainOf(r.userPrincipalName);
  if (!t.domain(suffix)?.isVerified) {
    c.add(at(path, 'userPrincipalName'), `userPrincipalName '${r.userPrincipalName}': '${suffix}' is not a verified domain of tenant ${tname(t.record)}`);
  }
  const dupId = c.claim(`object:${t.id}:${r.id}`, path);
  if (dupId && input.id) c.add(at(path, 'id'), `object id ${r.id} is used twice (also at ${dupId})`);
  const dupUpn = c.claim(`upn:${t.id}:${upnKey}`, path);
  const holder = t.upns.get(upnKey);
  if (dupUpn) c.add(at(path, 'userPrincipalName'), `duplicate userPrincipalName '${r.userPrincipalName}' (case-insensitive; also at ${dupUpn})`);
  else if (holder && holder !== r.id) c.add(at(path, 'userPrincipalName'), `userPrincipalName '${r.userPrincipalName}' is already used by user ${holder} in tenant ${tname(t.record)}`);
  if (input.mailbox && input.mailUser) c.add(at(path, 'mailUser'), 'a user has either a mailbox or a mailUser, not both');
  const block = input.mailbox ? 'mailbox' : input.mailUser ? 'mailUser' : null;
  const rec = r.mailbox ?? r.mailUser;
  if (!block || !rec) return;
  checkRecipient(c, t, input[block]!, rec, block === 'mailbox', u, at(path, block), r.id);
  if (r.mail !== null && lower(r.mail) !== lower(rec.primarySmtpAddress)) {
    c.add(at(path, 'mail'), `mail '${r.mail}' must equal the recipient's primarySmtpAddress '${rec.primarySmtpAddress}'`);
  }
}

function checkRecipient(c: Checker, t: TenantIndex, b: RecipientInput, r: RecipientRecord, isMailbox: boolean, u: PreparedUser, path: string, ownerId: string): void {
  c.guid(at(path, 'exchangeGuid'), r.exchangeGuid, 'exchangeGuid');
  c.guid(at(path, 'archiveGuid'), r.archiveGuid, 'archiveGuid');
  if (isMailbox && !r.exchangeGuid) c.add(at(path, 'exchangeGuid'), 'a mailbox must have an exchangeGuid');
  if (r.auxArchiveCount > 0 && !r.archiveGuid) c.add(at(path, 'auxArchiveCount'), 'auxiliary archives need a main archive (archiveGuid)');
  if (isMailbox && r.externalEmailAddress) c.add(at(path, 'externalEmailAddress'), 'a mailbox has no externalEmailAddress; only a mailUser has one');
  if (!isMailbox && !r.externalEmailAddress) c.add(at(path, 'externalEmailAddress'), 'a mailUser needs an externalEmailAddress');
  if (r.externalEmailAddress && !SMTP_RE.test(r.externalEmailAddress.slice(5))) c.add(at(path, 'externalEmailAddress'), `externalEmailAddress '${r.externalEmailAddress}' is not an SMTP address`);
  const listed = b.emailAddresses ?? [];
  const where = (a: string): string => {
    const i = listed.indexOf(a);
    return i >= 0 ? at(path, 'emailAddresses', i) : b.primarySmtpAddress ? at(path, 'primarySmtpAddress') : path;
  };
  const primaries = r.emailAddresses.filter((a) => a.startsWith('SMTP:'));
  if (primaries.length > 1) c.add(where(primaries[1]!), `more than one primary (SMTP:) address: ${primaries.join(', ')}`);
  if (primaries[0] && lower(primaries[0].slice(5)) !== lower(r.primarySmtpAddress)) {
    c.add(at(path, 'primarySmtpAddress'), `primarySmtpAddress '${r.primarySmtpAddress}' is not the SMTP: entry '${primaries[0]}' of emailAddresses`);
  }
  const accepted = t.record.domains.filter((d) => d.isVerified).map((d) => d.name);
  for (const a of r.emailAddresses) {
    const colon = a.indexOf(':');
    const type = lower(a.slice(0, colon));
    const value = a.slice(colon + 1);
    if (!ADDRESS_TYPES.has(type)) {
      c.add(where(a), `'${a}': unknown address type '${a.slice(0, colon)}' (use SMTP:, smtp:, X500:, x500:, x400:, sip:)`);
      continue;
    }
    if (type === 'x500') {
      if (!value.startsWith('/')) c.add(where(a), `'${a}': an x500 address is a distinguished name (/o=…)`);
      continue; // x500 addresses carry other organizations' DNs: no domain rule
    }
    if (type !== 'smtp') continue;
    if (!SMTP_RE.test(value)) {
      c.add(where(a), `'${a}' is not a valid SMTP address`);
      continue;
    }
    const d = t.domain(domainOf(value));
    const isPrimary = a.startsWith('SMTP:');
    // Mailboxes (and every primary address) need an accepted domain. A MailUser may carry secondary proxies
    // in a registered but unverified domain (what NotAcceptedDomainException is about), never a foreign one.
    if (!d || ((isMailbox || isPrimary) && !d.isVerified)) {
      c.add(where(a), `'${a}': domain '${domainOf(value)}' is not ${d ? 'an accepted (verified) domain' : 'a domain'} of tenant ${tname(t.record)} (accepted domains: ${accepted.join(', ')})`);
    }
    const owner = t.addresses.get(lower(value));
    const dup = c.claim(`address:${t.id}:${lower(value)}`, where(a));
    if (dup && dup !== where(a)) c.add(where(a), `address '${value}' is already used (at ${dup})`);
    else if (owner && owner !== ownerId) c.add(where(a), `address '${value}' is already used by recipient ${owner} in tenant ${tname(t.record)}`);
  }
  if (!u.folders && !u.items) return;
  if (!isMailbox) {
    c.add(at(path, b.items ? 'items' : 'folders'), 'a mailUser has no mailbox content; folders and items need a mailbox');
    return;
  }
  const folders = folderLookup(u.folders ?? []);
  (b.folders ?? []).forEach((f, i) => {
    if (f.parent && !folders.has(lower(f.parent))) c.add(at(path, 'folders', i, 'parent'), `parent folder '${f.parent}' is not a folder of this mailbox`);
  });
  const ids = new Set<string>();
  (u.items ?? []).forEach((it, i) => {
    if (!folders.has(lower(it.folderRef))) c.add(at(path, 'items', i, 'folder'), `folder '${it.folderRef}' is not a folder of this mailbox`);
    if (ids.has(it.id)) c.add(at(path, 'items', i, 'id'), `item id ${it.id} is used twice`);
    ids.add(it.id);
  });
}

export function checkGroup(c: Checker, t: TenantIndex, g: PreparedGroup, path: string, inputId: string | undefined): void {
  const r = g.record;
  c.guid(at(path, 'id'), inputId, 'group id');
  const dup = c.claim(`object:${t.id}:${r.id}`, path);
  if (dup && inputId) c.add(at(path, 'id'), `object id ${r.id} is used twice (also at ${dup})`);
  else if (dup) c.add(at(path, 'mailNickname'), `mailNickname '${r.mailNickname}' is used twice (also at ${dup}); group ids derive from it`);
  if (r.groupType === 'Security' && r.mail) c.add(at(path, 'mail'), 'a Security group is not mail-enabled: remove mail or use groupType MailEnabledSecurity');
  if (r.mail) {
    const d = t.domain(domainOf(r.mail));
    if (!d?.isVerified) c.add(at(path, 'mail'), `mail '${r.mail}': domain '${domainOf(r.mail)}' is not an accepted domain of tenant ${tname(t.record)}`);
    const owner = t.addresses.get(lower(r.mail));
    const earlier = c.claim(`address:${t.id}:${lower(r.mail)}`, at(path, 'mail'));
    if (earlier) c.add(at(path, 'mail'), `address '${r.mail}' is already used (at ${earlier})`);
    else if (owner && owner !== r.id) c.add(at(path, 'mail'), `address '${r.mail}' is already used by recipient ${owner} in tenant ${tname(t.record)}`);
  }
}

/** Resolves members (after every user and group of the batch is indexed); unknown members are issues. */
export function resolveGroupMembers(c: Checker, t: TenantIndex, g: PreparedGroup, path: string): void {
  const ids = new Set<string>();
  g.memberRefs.forEach((ref, i) => {
    const id = t.user(ref)?.id ?? t.groups.get(lower(ref))?.id;
    if (!id) c.add(at(path, 'members', i), `member '${ref}' is not a user (UPN or id) or group (id) of tenant ${tname(t.record)}`);
    else if (id === g.record.id) c.add(at(path, 'members', i), 'a group cannot be a member of itself');
    else ids.add(id);
  });
  g.record.members = [...ids];
}

export function checkApplication(c: Checker, owner: TenantIndex, input: ApplicationInput, a: ApplicationRecord, path: string): void {
  c.guid(at(path, 'appId'), input.appId, 'appId');
  const earlier = c.claim(`app:${a.appId}`, path);
  const registered = c.index.apps.get(a.appId);
  if (earlier) c.add(at(path, 'appId'), `appId ${a.appId} is registered twice (also at ${earlier})`);
  else if (registered && registered.ownerTenantId !== owner.id) c.add(at(path, 'appId'), `appId ${a.appId} is already registered by tenant ${registered.ownerTenantId}`);
  if (FIRST_PARTY_APP_IDS.has(a.appId)) c.add(at(path, 'appId'), `appId ${a.appId} is reserved for the first-party app '${FIRST_PARTY_APP_IDS.get(a.appId)}'`);
  (input.secrets ?? []).forEach((s, i) => {
    if ((s.value === undefined) === (s.sha256 === undefined)) c.add(at(path, 'secrets', i), 'a secret needs exactly one of value (in clear) or sha256');
    c.guid(at(path, 'secrets', i, 'keyId'), s.keyId, 'keyId');
  });
}

export function checkServicePrincipal(c: Checker, t: TenantIndex, sp: ServicePrincipalRecord, path: string): void {
  c.guid(at(path, 'appId'), sp.appId, 'appId');
  const earlier = c.claim(`sp:${t.id}:${sp.appId}`, path);
  if (earlier) c.add(at(path, 'appId'), `application ${sp.appId} is consented twice in this tenant (also at ${earlier})`);
  const firstParty = FIRST_PARTY_APP_IDS.get(sp.appId);
  const app = c.index.apps.get(sp.appId);
  if (firstParty) {
    sp.displayName ||= firstParty;
    return;
  }
  if (!app) {
    c.add(at(path, 'appId'), `no application with appId ${sp.appId} is registered in any tenant (list it under its owner tenant's applications)`);
    return;
  }
  sp.displayName ||= app.displayName;
  if (app.signInAudience === 'AzureADMyOrg' && app.ownerTenantId !== t.id) {
    c.add(at(path, 'appId'), `application ${sp.appId} is single-tenant (AzureADMyOrg) and can only be consented in its owner tenant ${app.ownerTenantId}`);
  }
  sp.grantedPermissions.forEach((p, i) => {
    const requested = app.requiredPermissions.some((q) => lower(q.resource) === lower(p.resource) && lower(q.value) === lower(p.value));
    if (!requested) c.add(at(path, 'grantedPermissions', i), `permission '${p.resource}/${p.value}' is not requested by application ${sp.appId}, so it cannot be consented`);
  });
}

export function checkOrgRel(c: Checker, t: TenantIndex, o: PreparedOrgRel, path: string, inputId: string | undefined): void {
  const r = o.record;
  c.guid(at(path, 'id'), inputId, 'id');
  c.guid(at(path, 'oauthApplicationId'), r.oauthApplicationId, 'oauthApplicationId');
  const earlier = c.claim(`orgrel:${t.id}:${lower(r.name)}`, path);
  const holder = t.orgRelNames.get(lower(r.name));
  if (earlier) c.add(at(path, 'name'), `organization relationship '${r.name}' is defined twice (also at ${earlier})`);
  else if (holder && holder !== r.id) c.add(at(path, 'name'), `an organization relationship named '${r.name}' already exists (${holder})`);
  r.domainNames.forEach((d, i) => {
    if (!isGuid(d) && !DOMAIN_RE.test(d)) c.add(at(path, 'domainNames', i), `'${d}' is neither a tenant id (GUID) nor a domain name`);
    else if (d === t.id || t.domain(d)) c.add(at(path, 'domainNames', i), `'${d}' is this tenant itself; an organization relationship names the partner tenant`);
  });
  const scopes = new Set<string>();
  o.scopeRefs.forEach((ref, i) => {
    const g = t.group(ref);
    if (!g) {
      const why = t.isAmbiguousGroupName(ref) ? 'names more than one group; use the group id' : `is not a group of tenant ${tname(t.record)}`;
      c.add(at(path, 'mailboxMovePublishedScopes', i), `scope '${ref}' ${why}`);
    } else if (g.groupType !== 'MailEnabledSecurity') {
      c.add(at(path, 'mailboxMovePublishedScopes', i), `scope '${ref}' is a ${g.groupType} group; MailboxMovePublishedScopes takes mail-enabled security groups`);
    } else scopes.add(g.id);
  });
  r.mailboxMovePublishedScopes = [...scopes];
}

export function checkEndpoint(c: Checker, t: TenantIndex, e: MigrationEndpointRecord, path: string): void {
  c.guid(at(path, 'applicationId'), e.applicationId, 'applicationId');
  const earlier = c.claim(`endpoint:${t.id}:${lower(e.name)}`, path);
  if (earlier) c.add(at(path, 'name'), `migration endpoint '${e.name}' is defined twice (also at ${earlier})`);
  if (e.remoteTenant === t.id || t.domain(e.remoteTenant)) {
    c.add(at(path, 'remoteTenant'), 'ASSERT: The resource tenant and the accessing tenant cannot be equal');
  } else if (!c.index.tenantByRef(e.remoteTenant)) {
    // The same refusal as New-MigrationEndpoint through the admin API: the scenario loader and the admin API share it.
    c.add(at(path, 'remoteTenant'), `AADSTS90002: Tenant '${e.remoteTenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
}

export function checkSpoRelationship(c: Checker, t: TenantIndex, r: SpoRelationshipRecord, path: string): void {
  const earlier = c.claim(`spoRel:${t.id}:${r.partnerHostUrl}`, path);
  if (earlier) c.add(at(path, 'partnerHostUrl'), `a relationship with '${r.partnerHostUrl}' is defined twice (also at ${earlier})`);
  if (r.partnerHostUrl === t.record.mySiteHost) c.add(at(path, 'partnerHostUrl'), `'${r.partnerHostUrl}' is this tenant's own host; the partner is the other tenant`);
}
