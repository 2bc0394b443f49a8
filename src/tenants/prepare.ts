// Turns a batch of tenant changes into records ready to write, in dependency order, running every
// invariant against "store state + batch" (the DirectoryIndex). Shared by the scenario loader and
// applyTenantChanges; neither writes anything unless this returns no issue.
import type { DirectoryIndex, TenantIndex } from './directoryIndex.js';
import { smtpAddresses } from '../domain/naturalKeys.js';
import {
  checkApplication, checkEndpoint, checkGroup, checkOrgRel, checkServicePrincipal, checkSpoRelationship, checkTenant, checkUser,
  at, Checker, checkDroppedDomains, resolveGroupMembers, type Issue,
} from './invariants.js';
import {
  checkSpoGroupMapping, checkSpoUserMapping, prepareChat, prepareIdentityMapping, prepareMeeting, prepareSite, type PreparedChat, type PreparedSite,
} from './invariants.content.js';
import { prepareMigrationFault } from './invariants.faults.js';
import type { MigrationFaultInput } from './inputSchemas.faults.js';
import { normalizeApplication, normalizeEndpoint, normalizeGroup, normalizeOrgRel, normalizeServicePrincipal, normalizeSpoGroupMapping, normalizeSpoRelationship, normalizeSpoUserMapping, normalizeTenant, normalizeUser, type PreparedGroup, type PreparedUser } from './normalize.js';
import type { ApplicationInput, ChatInput, GroupInput, IdentityMappingInput, MeetingInput, MigrationEndpointInput, OrganizationRelationshipInput, ServicePrincipalInput, SiteInput, SpoGroupMappingInput, SpoRelationshipInput, SpoUserMappingInput, TenantInput, UserInput } from './inputSchemas.js';
import type {
  ApplicationRecord, IdentityMappingRecord, MeetingRecord, MigrationEndpointRecord, MigrationFaultRecord, OrganizationRelationshipRecord, ServicePrincipalRecord,
  SpoGroupMappingRecord, SpoRelationshipRecord, SpoUserMappingRecord, TenantRecord,
} from '../domain/tenantRecords.js';

/** Objects to create or replace in one tenant (admin API body, or one tenant of a scenario file). */
export interface TenantChange {
  tenantId: string;
  /** Create or replace the tenant itself (required when it doesn't exist yet). */
  tenant?: TenantInput;
  users?: UserInput[];
  groups?: GroupInput[];
  applications?: ApplicationInput[];
  servicePrincipals?: ServicePrincipalInput[];
  organizationRelationships?: OrganizationRelationshipInput[];
  migrationEndpoints?: MigrationEndpointInput[];
  spoRelationships?: SpoRelationshipInput[];
  sites?: SiteInput[];
  chats?: ChatInput[];
  meetings?: MeetingInput[];
  identityMappings?: IdentityMappingInput[];
  spoUserMappings?: SpoUserMappingInput[];
  spoGroupMappings?: SpoGroupMappingInput[];
  /** Migration faults to rehearse for users of this (source) tenant; replaced per user, workload and kind. */
  migrationFaults?: MigrationFaultInput[];
}

/** Where a change sits in the caller's document: '' for an admin body, 'tenants[2]' in a scenario file. */
export interface ChangeAt { change: TenantChange; tenantPath: string; objectsPath: string }

export interface PreparedTenant {
  tenant: TenantRecord;
  tenantChanged: boolean;
  users: PreparedUser[];
  groups: PreparedGroup[];
  applications: ApplicationRecord[];
  servicePrincipals: ServicePrincipalRecord[];
  organizationRelationships: OrganizationRelationshipRecord[];
  migrationEndpoints: MigrationEndpointRecord[];
  spoRelationships: SpoRelationshipRecord[];
  sites: PreparedSite[];
  chats: PreparedChat[];
  meetings: MeetingRecord[];
  identityMappings: IdentityMappingRecord[];
  spoUserMappings: SpoUserMappingRecord[];
  spoGroupMappings: SpoGroupMappingRecord[];
  migrationFaults: MigrationFaultRecord[];
}

export interface PrepareHooks {
  /** Called once every tenant of the batch is indexed, before users are checked (generated identities go in here). */
  beforeUsers?(checker: Checker): void;
}

export function prepareChanges(index: DirectoryIndex, batch: ChangeAt[], now: string, hooks: PrepareHooks = {}): { prepared: PreparedTenant[]; issues: Issue[] } {
  const c = new Checker(index);
  const work: { at: ChangeAt; t: TenantIndex; p: PreparedTenant }[] = [];

  // 1. tenants: index all of the batch first so domain conflicts between them are seen both ways.
  const newTenants = batch.map(({ change }) => (change.tenant ? normalizeTenant(change.tenant, now) : undefined));
  // The stored record a change replaces (admin API): its domains may be dropped only when nothing uses them.
  const replaced = newTenants.map((rec) => (rec ? index.tenant(rec.id)?.record : undefined));
  newTenants.forEach((rec) => rec && upsertTenant(index, rec));
  batch.forEach((b, i) => {
    const rec = newTenants[i];
    if (rec) {
      checkTenant(c, b.change.tenant!, rec, b.tenantPath);
      if (rec.id !== b.change.tenantId.toLowerCase()) c.add(at(b.tenantPath, 'id'), `tenant id ${rec.id} does not match the tenant ${b.change.tenantId} being changed`);
    }
    const t = index.tenant(b.change.tenantId);
    if (!t) return c.add(b.tenantPath || 'tenantId', `tenant ${b.change.tenantId} does not exist`);
    work.push({ at: b, t, p: emptyPrepared(t.record, !!rec) });
  });
  hooks.beforeUsers?.(c);

  // 2. users and groups, indexed as they pass so later objects can refer to them.
  for (const { at: b, t, p } of work) {
    const base = b.objectsPath;
    (b.change.users ?? []).forEach((input, i) => {
      const u = normalizeUser(input, t.record, now);
      checkUser(c, t, input, u, at(base, 'users', i));
      const rec = u.record.mailbox ?? u.record.mailUser;
      t.removeUser(u.record.id);
      t.addUser({ id: u.record.id, upn: u.record.userPrincipalName, recipientType: rec?.recipientTypeDetails ?? null, addresses: rec ? smtpAddresses(rec.emailAddresses) : [] });
      p.users.push(u);
    });
    (b.change.groups ?? []).forEach((input, i) => {
      const g = normalizeGroup(input, t.record, now);
      checkGroup(c, t, g, at(base, 'groups', i), input.id);
      t.removeGroup(g.record.id);
      t.addGroup({ id: g.record.id, displayName: g.record.displayName, mailNickname: g.record.mailNickname, mail: g.record.mail, groupType: g.record.groupType });
      p.groups.push(g);
    });
  }
  for (const { at: b, t, p } of work) p.groups.forEach((g, i) => resolveGroupMembers(c, t, g, at(b.objectsPath, 'groups', i)));
  batch.forEach((b, i) => {
    const before = replaced[i];
    const t = newTenants[i] && index.tenant(newTenants[i]!.id);
    if (before && t) checkDroppedDomains(c, t, before.domains.map((d) => d.name), at(b.tenantPath, 'domains'));
  });

  // 3. applications before any consent, in whichever tenant of the batch it is.
  for (const { at: b, t, p } of work) {
    (b.change.applications ?? []).forEach((input, i) => {
      const a = normalizeApplication(input, t.id, now);
      checkApplication(c, t, input, a, at(b.objectsPath, 'applications', i));
      index.apps.set(a.appId, { appId: a.appId, ownerTenantId: t.id, displayName: a.displayName, signInAudience: a.signInAudience, requiredPermissions: a.requiredPermissions });
      p.applications.push(a);
    });
  }

  // 4. everything that refers to users, groups and apps.
  for (const { at: b, t, p } of work) {
    const ch = b.change;
    const path = (kind: string, i: number) => at(b.objectsPath, kind, i);
    ch.servicePrincipals?.forEach((x, i) => {
      const sp = normalizeServicePrincipal(x, t.id, now);
      checkServicePrincipal(c, t, sp, path('servicePrincipals', i));
      p.servicePrincipals.push(sp);
    });
    ch.organizationRelationships?.forEach((x, i) => {
      const o = normalizeOrgRel(x, t.id, now);
      checkOrgRel(c, t, o, path('organizationRelationships', i), x.id);
      p.organizationRelationships.push(o.record);
    });
    ch.migrationEndpoints?.forEach((x, i) => {
      const e = normalizeEndpoint(x, t.id, now);
      checkEndpoint(c, t, e, path('migrationEndpoints', i));
      p.migrationEndpoints.push(e);
    });
    ch.spoRelationships?.forEach((x, i) => {
      const r = normalizeSpoRelationship(x, t.id, now);
      checkSpoRelationship(c, t, r, path('spoRelationships', i));
      p.spoRelationships.push(r);
    });
    ch.sites?.forEach((x, i) => p.sites.push(prepareSite(c, t, x, path('sites', i), now)));
    ch.chats?.forEach((x, i) => p.chats.push(prepareChat(c, t, x, path('chats', i), now)));
    ch.meetings?.forEach((x, i) => p.meetings.push(prepareMeeting(c, t, x, path('meetings', i))));
    ch.identityMappings?.forEach((x, i) => {
      const m = prepareIdentityMapping(c, t, x, path('identityMappings', i), now);
      if (m) p.identityMappings.push(m);
    });
    ch.spoUserMappings?.forEach((x, i) => {
      const m = normalizeSpoUserMapping(x, t.id, now);
      checkSpoUserMapping(c, t, m, path('spoUserMappings', i));
      p.spoUserMappings.push(m);
    });
    ch.spoGroupMappings?.forEach((x, i) => {
      const m = normalizeSpoGroupMapping(x, t.id, now);
      checkSpoGroupMapping(c, t, m, path('spoGroupMappings', i));
      p.spoGroupMappings.push(m);
    });
    ch.migrationFaults?.forEach((x, i) => p.migrationFaults.push(prepareMigrationFault(c, t, x, path('migrationFaults', i))));
  }
  return { prepared: work.map((w) => w.p), issues: c.issues };
}

/** Stored tenants a batch refers to by reference (CTIM source tenants), whose users the checks need. */
export function referencedTenants(index: DirectoryIndex, changes: TenantChange[]): string[] {
  return changes.flatMap((c) => c.identityMappings ?? []).map((m) => index.tenantByRef(m.sourceTenant)?.id).filter((id): id is string => !!id);
}

/** Adds or replaces a tenant record in the index, keeping the keys already loaded for it. */
function upsertTenant(index: DirectoryIndex, rec: TenantRecord): void {
  const existing = index.tenant(rec.id);
  for (const [name, owner] of index.verifiedDomains) if (owner === rec.id) index.verifiedDomains.delete(name);
  if (!existing) {
    index.addTenant(rec);
    return;
  }
  existing.record = rec;
  for (const d of rec.domains) if (d.isVerified && !index.verifiedDomains.has(d.name)) index.verifiedDomains.set(d.name, rec.id);
}

function emptyPrepared(tenant: TenantRecord, tenantChanged: boolean): PreparedTenant {
  return {
    tenant, tenantChanged, users: [], groups: [], applications: [], servicePrincipals: [], organizationRelationships: [], migrationEndpoints: [],
    spoRelationships: [], sites: [], chats: [], meetings: [], identityMappings: [], spoUserMappings: [], spoGroupMappings: [], migrationFaults: [],
  };
}
