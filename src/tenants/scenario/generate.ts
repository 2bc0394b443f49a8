// Generated migration users: a plan of people (identities only, small) from the `generate` block, and
// their directory rows: source mailbox user, target MailUser prepared the way the docs require
// (ExchangeGuid, x500, ExternalEmailAddress = source primary SMTP, delivery-domain proxy), scope
// membership, CTIM identity (Completed) and SharePoint map row, each fault applied on top. Content
// (mail, OneDrive, chats, meetings) is in generate.content.ts.
import type { TenantIndex } from '../directoryIndex.js';
import { aliasFromUpn, deriveGuid, legacyExchangeDn, oneDriveUrl, Prng, spoMappingId } from '../ids.js';
import { at, type Checker } from '../invariants.js';
import { DEFAULT_QUOTAS, GiB, Licenses, NO_HOLDS } from '../../domain/tenantVocabulary.js';
import { domainOf } from '../normalize.js';
import { lower } from '../../domain/naturalKeys.js';
import type { RecipientRecord, TenantRecord, UserRecord } from '../../domain/tenantRecords.js';
import type { Emit } from '../../store/tenantSink.js';
import { recipientRow, userRow } from '../tableRows.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import type { Generate } from './schema.js';
import { FIRST_NAMES, LAST_NAMES } from './words.js';

export interface Person {
  n: number; // position in plan.people
  alias: string;
  displayName: string;
  sourceId: string;
  targetId: string;
  sourceUpn: string;
  targetUpn: string;
  faults: ReadonlySet<FaultKind>;
}

export interface GenerationPlan {
  seed: string;
  source: TenantRecord;
  target: TenantRecord;
  mailItemsPerUser: number;
  filesPerUser: number;
  chatsPerUser: number;
  chatMessagesPerUser: number;
  meetingsPerUser: number;
  anchorMs: number;
  people: Person[];
  scopeGroupId: string | null;
  /** Members the scope group already lists (no duplicate membership rows). */
  scopeListedMembers: Set<string>;
  unverifiedTargetDomain: string | null;
}

/** Builds the people of a `generate` block and adds their identities to the index; issues go to the checker. */
export function planGeneration(g: Generate, c: Checker, fileTenants: Set<string>, now: string): GenerationPlan | null {
  const tenantOf = (ref: string, field: 'source' | 'target'): TenantIndex | undefined => {
    const t = c.index.tenantByRef(ref);
    if (!t || !fileTenants.has(t.id)) c.add(at('generate', field), `${field} '${ref}' is not a tenant of this file (use its id or one of its verified domains)`);
    return t && fileTenants.has(t.id) ? t : undefined;
  };
  const source = tenantOf(g.source, 'source');
  const target = tenantOf(g.target, 'target');
  if (!source || !target) return null;
  if (source.id === target.id) {
    c.add(at('generate', 'target'), 'source and target are the same tenant');
    return null;
  }
  const sourceDomain = lower(g.sourceDomain ?? source.record.defaultDomain);
  const targetDomain = lower(g.targetDomain ?? target.record.defaultDomain);
  if (!source.domain(sourceDomain)?.isVerified) c.add(at('generate', 'sourceDomain'), `'${sourceDomain}' is not a verified domain of the source tenant`);
  if (!target.domain(targetDomain)?.isVerified) c.add(at('generate', 'targetDomain'), `'${targetDomain}' is not a verified domain of the target tenant`);
  const seed = String(g.seed);
  const people: Person[] = [];
  const numbered = g.users ?? 0;
  const faultOf = assignFaults(g, numbered, seed, c);
  for (let i = 0; i < numbered; i++) {
    const alias = numberedAlias(i);
    const [first, last] = nameOf(i);
    people.push(person(people.length, { alias, displayName: `${cap(first)} ${cap(last)}`, sourceUpn: `${alias}@${sourceDomain}`,
      targetUpn: `${alias}@${targetDomain}`, faults: faultOf.get(i) }, seed, source.id, target.id));
  }
  (g.pairs ?? []).forEach((p, i) => {
    const alias = aliasFromUpn(p.sourceUserPrincipalName);
    const path = at('generate', 'pairs', i);
    if (!source.domain(domainOf(p.sourceUserPrincipalName))?.isVerified) c.add(at(path, 'sourceUserPrincipalName'), `'${domainOf(p.sourceUserPrincipalName)}' is not a verified domain of the source tenant`);
    if (p.targetUserPrincipalName && !target.domain(domainOf(p.targetUserPrincipalName))?.isVerified) c.add(at(path, 'targetUserPrincipalName'), `'${domainOf(p.targetUserPrincipalName)}' is not a verified domain of the target tenant`);
    people.push(person(people.length, {
      alias, displayName: p.displayName ?? alias, sourceUpn: p.sourceUserPrincipalName, targetUpn: p.targetUserPrincipalName ?? `${alias}@${targetDomain}`,
      sourceId: p.sourceId, targetId: p.targetId, faults: new Set(p.faults ?? []),
    }, seed, source.id, target.id));
  });
  const unverifiedTargetDomain = target.record.domains.find((d) => !d.isVerified)?.name ?? null;
  if (!unverifiedTargetDomain && people.some((p) => p.faults.has('smtpNotAccepted'))) {
    c.add(at('generate', 'faults'), 'fault smtpNotAccepted needs a registered but unverified domain in the target tenant (domains: [{name: …, isVerified: false}])');
  }
  // Identities go into the index like listed users: listed objects may refer to them, and may not clash.
  people.forEach((p, i) => {
    const path = i < numbered ? at('generate', 'users') : at('generate', 'pairs', i - numbered);
    for (const [t, id, upn, present] of [[source, p.sourceId, p.sourceUpn, true], [target, p.targetId, p.targetUpn, !p.faults.has('targetMissing')]] as const) {
      const earlier = c.claim(`upn:${t.id}:${lower(upn)}`, path) ?? c.claim(`object:${t.id}:${id}`, path);
      if (earlier) c.add(path, `generated user '${upn}' clashes with ${earlier} (same UPN or object id)`);
      const addresses = t === source ? [p.sourceUpn, `${p.alias}@${source.record.initialDomain}`] : [p.targetUpn, `${p.alias}@${target.record.initialDomain}`];
      if (present) t.addUser({ id, upn, recipientType: t === source ? 'UserMailbox' : 'MailUser', addresses });
    }
  });
  return {
    seed, source: source.record, target: target.record, people, unverifiedTargetDomain,
    mailItemsPerUser: g.mailItemsPerUser ?? 20, filesPerUser: g.filesPerUser ?? 10, chatsPerUser: g.chatsPerUser ?? 2,
    chatMessagesPerUser: g.chatMessagesPerUser ?? (g.chatsPerUser ?? 2) * 10, meetingsPerUser: g.meetingsPerUser ?? 1,
    anchorMs: Date.parse(g.anchorDateTime ?? now), scopeGroupId: null, scopeListedMembers: new Set(),
  };
}

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

/** Numbered user i: every (first, last) pair once (last = 7a + b mod 48 is a bijection), then with a number. */
function nameOf(i: number): [string, string] {
  const a = i % FIRST_NAMES.length;
  const b = Math.floor(i / FIRST_NAMES.length);
  return [FIRST_NAMES[a]!, LAST_NAMES[(7 * a + b) % LAST_NAMES.length]!];
}

function numberedAlias(i: number): string {
  const combos = FIRST_NAMES.length * LAST_NAMES.length;
  const [first, last] = nameOf(i);
  return i < combos ? `${first}.${last}` : `${first}.${last}${Math.floor(i / combos) + 1}`;
}

type PersonSpec = Pick<Person, 'alias' | 'displayName' | 'sourceUpn' | 'targetUpn'> & { sourceId?: string; targetId?: string; faults?: ReadonlySet<FaultKind> };

/** Ids not given derive from seed, tenant and UPN. */
function person(n: number, p: PersonSpec, seed: string, sourceTid: string, targetTid: string): Person {
  return {
    n, alias: p.alias, displayName: p.displayName, sourceUpn: p.sourceUpn, targetUpn: p.targetUpn, faults: p.faults ?? new Set(),
    sourceId: lower(p.sourceId ?? deriveGuid('generated-user', seed, sourceTid, lower(p.sourceUpn))),
    targetId: lower(p.targetId ?? deriveGuid('generated-user', seed, targetTid, lower(p.targetUpn))),
  };
}

/** One fault per numbered user, users drawn by the seed, faults in catalogue order. */
function assignFaults(g: Generate, users: number, seed: string, c: Checker): Map<number, Set<FaultKind>> {
  const out = new Map<number, Set<FaultKind>>();
  const wanted = FAULT_KINDS.flatMap((k) => Array<FaultKind>(g.faults?.[k] ?? 0).fill(k));
  if (wanted.length > users) {
    c.add(at('generate', 'faults'), `${wanted.length} faults asked for but only ${users} numbered users are generated (one fault per user)`);
    return out;
  }
  const order = Array.from({ length: users }, (_, i) => i);
  const rnd = new Prng(seed, 'faults');
  for (let i = 0; i < wanted.length; i++) {
    const j = i + Math.floor(rnd.float() * (users - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
    out.set(order[i]!, new Set([wanted[i]!]));
  }
  return out;
}

const SOURCE_LICENSES = [Licenses.exchangeOnline, Licenses.teams, Licenses.sharePoint];
const TARGET_LICENSES = [Licenses.exchangeOnline, Licenses.teams, Licenses.sharePoint, Licenses.crossTenantUserDataMigration];

export interface PersonRecords { source: UserRecord & { mailbox: RecipientRecord }; target: UserRecord | null }

/** The directory records of one person, faults applied. Mailbox sizes are filled in by the mail pass. */
export function personRecords(plan: GenerationPlan, p: Person, now: string): PersonRecords {
  const f = p.faults;
  const rnd = new Prng(plan.seed, 'identity', p.sourceId);
  const s = plan.source;
  const t = plan.target;
  const hasArchive = rnd.chance(0.25) || f.has('wrongArchiveGuid') || f.has('tooManyAuxArchives');
  const archiveGuid = hasArchive ? deriveGuid('archive', plan.seed, p.sourceId) : null;
  const exchangeGuid = deriveGuid('exchangeGuid', plan.seed, p.sourceId);
  const sourceDn = legacyExchangeDn(deriveGuid('legacyDn', s.id, p.sourceId).replace(/-/g, ''), p.alias);
  const onPremX500 = rnd.chance(0.33) ? [`X500:/o=${s.displayName}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${p.alias}`] : [];
  const holds = { ...NO_HOLDS, litigationHoldEnabled: f.has('litigationHold'), inPlaceHolds: f.has('inPlaceHold') ? [`mbx${rnd.hex(32)}:1`] : [] };
  const sourcePrimary = p.sourceUpn;
  const sourceMailbox: RecipientRecord = {
    recipientTypeDetails: 'UserMailbox', alias: p.alias, primarySmtpAddress: sourcePrimary,
    emailAddresses: [`SMTP:${sourcePrimary}`, `smtp:${p.alias}@${s.initialDomain}`, ...onPremX500],
    externalEmailAddress: null, exchangeGuid, archiveGuid, auxArchiveCount: f.has('tooManyAuxArchives') ? 13 : 0, legacyExchangeDn: sourceDn, holds,
    mailboxSizeBytes: 0, recoverableItemsSizeBytes: f.has('dumpsterOverQuota') ? DEFAULT_QUOTAS.recoverableItemsQuotaBytes + GiB : 0,
    prohibitSendReceiveQuotaBytes: DEFAULT_QUOTAS.prohibitSendReceiveQuotaBytes, recoverableItemsQuotaBytes: DEFAULT_QUOTAS.recoverableItemsQuotaBytes,
    previousRecipientTypeDetails: null, mailboxMoveRemoteHostName: null,
  };
  const source = {
    tenantId: s.id, id: p.sourceId, userPrincipalName: p.sourceUpn, displayName: p.displayName, mail: sourcePrimary, accountEnabled: true,
    userType: 'Member' as const, licenses: [...SOURCE_LICENSES], directoryRoles: [], mailbox: sourceMailbox, createdDateTime: now,
  };
  if (f.has('targetMissing')) return { source, target: null };
  const targetLicenses = TARGET_LICENSES.filter((l) => !(
    (l === Licenses.crossTenantUserDataMigration && f.has('unlicensed')) || (l === Licenses.teams && f.has('noTeamsLicense')) ||
    (l === Licenses.exchangeOnline && f.has('noExchangePlan'))));
  const targetDn = legacyExchangeDn(deriveGuid('legacyDn', t.id, p.targetId).replace(/-/g, ''), p.alias);
  const target: UserRecord = {
    tenantId: t.id, id: p.targetId, userPrincipalName: p.targetUpn, displayName: p.displayName, mail: p.targetUpn, accountEnabled: true,
    userType: 'Member', licenses: targetLicenses, directoryRoles: [], createdDateTime: now,
  };
  const base = {
    alias: p.alias, primarySmtpAddress: p.targetUpn, auxArchiveCount: 0, legacyExchangeDn: targetDn, holds: { ...NO_HOLDS, inPlaceHolds: [] },
    mailboxSizeBytes: 0, recoverableItemsSizeBytes: 0, prohibitSendReceiveQuotaBytes: DEFAULT_QUOTAS.prohibitSendReceiveQuotaBytes,
    recoverableItemsQuotaBytes: DEFAULT_QUOTAS.recoverableItemsQuotaBytes, previousRecipientTypeDetails: null, mailboxMoveRemoteHostName: null,
  };
  if (f.has('targetIsMailbox')) {
    target.mailbox = {
      ...base, recipientTypeDetails: 'UserMailbox', emailAddresses: [`SMTP:${p.targetUpn}`, `smtp:${p.alias}@${t.initialDomain}`], externalEmailAddress: null,
      exchangeGuid: deriveGuid('exchangeGuid', plan.seed, p.targetId), archiveGuid: null,
    };
    return { source, target };
  }
  const x500 = f.has('missingX500') ? [] : [`x500:${sourceDn}`, ...onPremX500];
  const delivery = f.has('noDeliveryDomainProxy') ? [] : [`smtp:${p.alias}@${t.initialDomain}`];
  const foreign = f.has('smtpNotAccepted') && plan.unverifiedTargetDomain ? [`smtp:${p.alias}@${plan.unverifiedTargetDomain}`] : [];
  target.mailUser = {
    ...base, recipientTypeDetails: 'MailUser', emailAddresses: [`SMTP:${p.targetUpn}`, ...delivery, ...x500, ...foreign],
    externalEmailAddress: `SMTP:${f.has('externalEmailMismatch') ? `${p.alias}@${s.initialDomain}` : sourcePrimary}`,
    exchangeGuid: f.has('wrongExchangeGuid') ? deriveGuid('wrongExchangeGuid', plan.seed, p.sourceId) : exchangeGuid,
    archiveGuid: f.has('wrongArchiveGuid') ? deriveGuid('wrongArchiveGuid', plan.seed, p.sourceId) : archiveGuid,
  };
  return { source, target };
}

/** Directory rows of one person except the source recipient (written by the mail pass, which knows the sizes). */
export function emitPersonDirectory(plan: GenerationPlan, p: Person, recs: PersonRecords, emit: Emit, now: string): void {
  const s = plan.source.id;
  const t = plan.target.id;
  emit('users', userRow(recs.source, null));
  if (plan.scopeGroupId && !p.faults.has('notInScope') && !plan.scopeListedMembers.has(p.sourceId)) {
    emit('group_members', { tenant_id: s, group_id: plan.scopeGroupId, member_id: p.sourceId });
  }
  if (recs.target) {
    emit('users', userRow(recs.target, null));
    const r = recs.target.mailbox ?? recs.target.mailUser!;
    emit('recipients', recipientRow(t, p.targetId, r, !!recs.target.mailbox, now));
  }
  const unmapped = !recs.target || p.faults.has('identityUnmapped');
  emit('identity_mappings', {
    target_tenant_id: t, source_tenant_id: s, source_user_id: p.sourceId, target_user_id: unmapped ? null : p.targetId,
    state: unmapped ? 'Unmapped' : p.faults.has('identityNotCompleted') ? 'Mapped' : 'Completed', updated_at: now,
  });
  if (!p.faults.has('noSpoMapping')) {
    emit('spo_user_mappings', {
      tenant_id: t, source_upn_key: lower(p.sourceUpn), id: spoMappingId('user', p.sourceUpn), source_organization_id: s, source_upn: p.sourceUpn,
      target_upn: p.targetUpn, target_email: p.targetUpn, user_type: 'regularUser', updated_at: now, target_upn_key: lower(p.targetUpn),
    });
  }
  if (p.faults.has('targetOneDriveExists') && recs.target) {
    const url = oneDriveUrl(plan.target.mySiteHost, p.targetUpn);
    const id = deriveGuid('site', t, lower(url));
    emit('sites', {
      tenant_id: t, id, url, url_key: lower(url), kind: 'OneDrive', template: 'SPSPERS#10', title: p.displayName, owner_user_id: p.targetId, group_id: null,
      state: 'ReadWrite', redirect_url: null, storage_quota_bytes: DEFAULT_QUOTAS.oneDriveStorageQuotaBytes, created_at: now,
    });
    emit('permissions', { tenant_id: t, site_id: id, item_id: '', principal_type: 'user', principal_id: p.targetId, role: 'owner', link_scope: null });
  }
}
