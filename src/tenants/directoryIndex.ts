// An in-memory index of the keys the invariants need (ids, UPNs, addresses, names, URLs), never the
// content. Built from the store for the tenants a change touches, then the batch is added on top, so
// every check sees "store state + batch" without a query per object.
import type { Store } from '../store/db.js';
import { isGuid, lower } from '../domain/naturalKeys.js';
import type { AppKey, DomainRecord, GroupKey, TenantRecord, UserKey } from '../domain/tenantRecords.js';
import { readDirectoryKeys, readTenantKeys } from '../store/tenantsRepo.js';

const AMBIGUOUS = '\u0000ambiguous';

export class TenantIndex {
  readonly users = new Map<string, UserKey>();
  readonly upns = new Map<string, string>(); // upn key -> user id
  readonly addresses = new Map<string, string>(); // lower-case SMTP address -> owner object id
  readonly groups = new Map<string, GroupKey>();
  private readonly groupNames = new Map<string, string>(); // lower-case name/nickname/mail -> id
  readonly sites = new Map<string, string>(); // url key -> site id
  readonly oneDrives = new Map<string, string>(); // owner id -> site id
  readonly orgRelNames = new Map<string, string>(); // lower-case name -> id
  /** The stored users, groups and names are in (loadTenantKeys). */
  keysLoaded = false;

  constructor(public record: TenantRecord) {}

  get id(): string {
    return this.record.id;
  }

  domain(name: string): DomainRecord | undefined {
    const n = lower(name);
    return this.record.domains.find((d) => d.name === n);
  }

  addUser(u: UserKey): void {
    this.users.set(u.id, u);
    this.upns.set(lower(u.upn), u.id);
    for (const a of u.addresses) this.addresses.set(lower(a), u.id);
  }

  removeUser(id: string): void {
    const u = this.users.get(id);
    if (!u) return;
    this.users.delete(id);
    if (this.upns.get(lower(u.upn)) === id) this.upns.delete(lower(u.upn));
    for (const a of u.addresses) if (this.addresses.get(lower(a)) === id) this.addresses.delete(lower(a));
  }

  addGroup(g: GroupKey): void {
    this.groups.set(g.id, g);
    for (const k of [g.displayName, g.mailNickname, g.mail]) {
      if (!k) continue;
      const key = lower(k);
      const had = this.groupNames.get(key);
      this.groupNames.set(key, had && had !== g.id ? AMBIGUOUS : g.id);
    }
    if (g.mail) this.addresses.set(lower(g.mail), g.id);
  }

  removeGroup(id: string): void {
    const g = this.groups.get(id);
    if (!g) return;
    this.groups.delete(id);
    for (const k of [g.displayName, g.mailNickname, g.mail]) if (k && this.groupNames.get(lower(k)) === id) this.groupNames.delete(lower(k));
    if (g.mail && this.addresses.get(lower(g.mail)) === id) this.addresses.delete(lower(g.mail));
  }

  /** A user by object id or UPN (case-insensitive). */
  user(ref: string): UserKey | undefined {
    const r = lower(ref);
    return this.users.get(r) ?? this.users.get(this.upns.get(r) ?? '');
  }

  /** A group by object id, display name, mailNickname or mail; undefined when unknown or ambiguous. */
  group(ref: string): GroupKey | undefined {
    const r = lower(ref);
    const byId = this.groups.get(r);
    if (byId) return byId;
    const id = this.groupNames.get(r);
    return id && id !== AMBIGUOUS ? this.groups.get(id) : undefined;
  }

  isAmbiguousGroupName(ref: string): boolean {
    return this.groupNames.get(lower(ref)) === AMBIGUOUS;
  }
}

export class DirectoryIndex {
  readonly tenants = new Map<string, TenantIndex>();
  /** Verified domain -> tenant id: a verified domain belongs to one tenant only. */
  readonly verifiedDomains = new Map<string, string>();
  readonly apps = new Map<string, AppKey>();

  addTenant(record: TenantRecord): TenantIndex {
    const t = new TenantIndex(record);
    this.tenants.set(record.id, t);
    for (const d of record.domains) if (d.isVerified && !this.verifiedDomains.has(d.name)) this.verifiedDomains.set(d.name, record.id);
    return t;
  }

  tenant(id: string): TenantIndex | undefined {
    return this.tenants.get(lower(id));
  }

  /** A tenant by id or by one of its verified domains. */
  tenantByRef(ref: string): TenantIndex | undefined {
    const r = lower(ref);
    return isGuid(r) ? this.tenants.get(r) : this.tenants.get(this.verifiedDomains.get(r) ?? '');
  }

}

/**
 * Loads every stored tenant, its domains and every app registration; loadTenantKeys adds a tenant's
 * users, groups and names. `replaced` tenants are about to be rewritten whole (scenario load): left out.
 */
export async function loadDirectoryIndex(store: Store, opts: { replaced?: string[] } = {}): Promise<DirectoryIndex> {
  const replaced = new Set((opts.replaced ?? []).map(lower));
  const index = new DirectoryIndex();
  const { tenants, applications } = await readDirectoryKeys(store);
  for (const t of tenants) if (!replaced.has(t.id)) index.addTenant(t);
  for (const a of applications) if (!replaced.has(a.ownerTenantId)) index.apps.set(a.appId, a);
  return index;
}

/** Adds the users, groups, addresses, sites and relationship names of stored tenants to the index. */
export async function loadTenantKeys(store: Store, index: DirectoryIndex, tenantIds: Iterable<string>): Promise<void> {
  for (const id of new Set([...tenantIds].map(lower))) {
    const t = index.tenant(id);
    if (t && !t.keysLoaded) await loadKeysOf(store, t);
  }
}

async function loadKeysOf(store: Store, t: TenantIndex): Promise<void> {
  const { users, groups, sites, orgRels } = await readTenantKeys(store, t.id);
  for (const u of users) t.addUser(u);
  for (const g of groups) t.addGroup(g);
  for (const s of sites) {
    t.sites.set(s.urlKey, s.id);
    if (s.kind === 'OneDrive' && s.ownerUserId) t.oneDrives.set(s.ownerUserId, s.id);
  }
  for (const r of orgRels) t.orgRelNames.set(lower(r.name), r.id);
  t.keysLoaded = true;
}
