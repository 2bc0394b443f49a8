// One tenant's configuration for validation: tenant row and settings, accepted domains, apps and
// service principals, OrgRels, migration endpoints, SPO relationships and the OrgRels' scope groups.
import type { Store } from '../../store/db.js';
import type { Handle } from '../../store/unitOfWork.js';
import { validationRepo } from '../../store/validationRepo.js';
import { mergeSettings, type AppPermission } from '../../domain/tenantVocabulary.js';
import type { TenantSnapshot } from '../../domain/validation/types.js';
import { parseJson } from '../../store/json.js';


/** An unknown tenant: nothing configured, nothing provisioned, so every prerequisite fails. */
function absentTenant(id: string): TenantSnapshot {
  return {
    id, displayName: '', defaultDomain: '', cloud: '', mySiteHost: '', rootSiteHost: '',
    settings: {
      exchange: { organizationCustomizationEnabled: false, autoForwardingMode: 'Off', calendarRbacRolesAssigned: false },
      sharePoint: { crossTenantMoveFeatureEnabled: false, compatibility: 'Incompatible', customerKeyEnabled: false, queuedMoves: 0 },
      teams: { allowFederatedUsers: false, chatMigrationAppProvisioned: false, meetingMigrationAppProvisioned: false, meetingMigrationAppExchangeAdmin: false },
      orchestrator: { ctmsAppProvisioned: false },
    },
    domains: [], applications: [], servicePrincipals: [], orgRelationships: [], migrationEndpoints: [], spoRelationships: [], scopeGroups: [],
  };
}

/** One tenant's snapshot, read through the store or a transaction (store.db from older callers). */
export async function loadTenant(db: Handle | Store['db'], id: string): Promise<TenantSnapshot> {
  const { tenant, domains, apps, sps, rels, endpoints, spoRels } = await validationRepo.tenantConfig(db, id);
  if (!tenant) return absentTenant(id);

  const orgRelationships = rels.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: !!r.enabled,
    mailboxMoveEnabled: !!r.mailbox_move_enabled,
    mailboxMoveCapability: parseJson<string[]>(r.mailbox_move_capability, []),
    domainNames: parseJson<string[]>(r.domain_names, []),
    oauthApplicationId: r.oauth_application_id,
    mailboxMovePublishedScopes: parseJson<string[]>(r.mailbox_move_published_scopes, []),
  }));
  const scopes = [...new Set(orgRelationships.flatMap((r) => r.mailboxMovePublishedScopes.map((s) => s.toLowerCase())))];
  const groups = await validationRepo.scopeGroups(db, id, scopes);

  return {
    id: tenant.id,
    displayName: tenant.display_name,
    defaultDomain: tenant.default_domain,
    cloud: tenant.cloud,
    mySiteHost: tenant.my_site_host,
    rootSiteHost: tenant.root_site_host,
    settings: mergeSettings(parseJson(tenant.settings, {})), // stored settings over the defaults
    domains: domains.map((d) => ({
      name: d.name.toLowerCase(), isVerified: !!d.is_verified, isInitial: !!d.is_initial, isDefault: !!d.is_default,
      acceptedDomainType: d.accepted_domain_type,
    })),
    applications: apps.map((a) => ({
      appId: a.app_id, ownerTenantId: a.owner_tenant_id, displayName: a.display_name,
      requiredPermissions: parseJson<AppPermission[]>(a.required_permissions, []),
    })),
    servicePrincipals: sps.map((s) => ({
      appId: s.app_id, displayName: s.display_name, appOwnerTenantId: s.owner_tenant_id ?? null,
      grantedPermissions: parseJson<AppPermission[]>(s.granted_permissions, []), directoryRoles: parseJson<string[]>(s.directory_roles, []),
    })),
    orgRelationships,
    migrationEndpoints: endpoints.map((e) => ({
      name: e.name, endpointType: e.endpoint_type, remoteServer: e.remote_server, remoteTenant: e.remote_tenant,
      applicationId: e.application_id, isRemote: !!e.is_remote,
    })),
    spoRelationships: spoRels.map((r) => ({ partnerHostUrl: r.partner_host_url.toLowerCase(), scenario: r.scenario, partnerRole: r.partner_role, createdAt: r.created_at })),
    scopeGroups: groups.map((g) => ({
      id: g.id, displayName: g.display_name, mailNickname: g.mail_nickname, mail: g.mail, mailEnabled: !!g.mail_enabled,
      securityEnabled: !!g.security_enabled,
    })),
  };
}
