// Cases for the tenant-level Exchange configuration: migration app, OrgRels, endpoint, domains.
// A broken tenant setting fails the Exchange workload of every user.
import type { Cases, Expectation } from './harness.js';
import { APP, SRC, TGT } from './fixture.js';

const exchange = (code: string, message: string): Expectation[] => [{ workload: 'Exchange', errors: [[code, message]] }];
const PERMISSION = `App [${APP}] does not have [Mailbox.Migration] permission on Exchange setup or the permission is not consented by an Administrator`;
const OTHER_APP = 'bbbbbbbb-0000-4000-8000-000000000002';

export const exchangeTenantCases: Cases = {
  migrationAppRegisteredInTarget: {
    mutate: (f) => { f.ctx.target.servicePrincipals = []; },
    expect: exchange('MIGR-001', `App [${APP}] is not registered in [${TGT}] tenant`),
  },
  migrationAppOwnedByTarget: {
    mutate: (f) => {
      f.ctx.target.applications = [];
      f.ctx.target.servicePrincipals[0]!.appOwnerTenantId = SRC;
    },
    expect: exchange('MIGR-001', `App [${APP}] was found in the [${TGT}] tenant but is not owned by it. Since this is target tenant, the app used for migration must be owned by target tenant.`),
  },
  migrationAppPermissionInTarget: {
    mutate: (f) => { f.ctx.target.servicePrincipals[0]!.grantedPermissions = []; },
    expect: exchange('MIGR-001', PERMISSION),
  },
  migrationAppRegisteredInSource: {
    mutate: (f) => { f.ctx.source.servicePrincipals = []; },
    expect: exchange('MIGR-001', `App [${APP}] is not registered in [${SRC}] tenant`),
  },
  migrationAppConsentedInSource: {
    mutate: (f) => { f.ctx.source.servicePrincipals[0]!.grantedPermissions = []; },
    expect: exchange('MIGR-001', PERMISSION),
  },
  targetOrgRelExists: {
    mutate: (f) => { f.ctx.target.orgRelationships = []; },
    expect: exchange('MIGR-001', `Organization relationship does not exist with [${SRC}]`),
  },
  targetOrgRelEnabled: {
    mutate: (f) => { f.ctx.target.orgRelationships[0]!.enabled = false; },
    expect: exchange('MIGR-001', "MigrationPermanentException: Your organization does not authorize 'pull' or Inbound moves from the remote organization. Contact your administrator to confirm organization relationships are configured correctly."),
  },
  targetOrgRelMailboxMoveEnabled: {
    mutate: (f) => { f.ctx.target.orgRelationships[0]!.mailboxMoveEnabled = false; },
    expect: exchange('MIGR-001', `MailboxMove is not enabled in Organization relationship with [${SRC}]`),
  },
  targetOrgRelCapability: {
    mutate: (f) => { f.ctx.target.orgRelationships[0]!.mailboxMoveCapability = ['Outbound']; },
    expect: exchange('MIGR-001', `MailboxMoveCapability is invalid in Organization relationship with [${SRC}]. It should be [Inbound] found [Outbound]`),
  },
  sourceOrgRelExists: {
    mutate: (f) => { f.ctx.source.orgRelationships = []; },
    expect: exchange('MIGR-001', `Organization relationship does not exist with [${TGT}]`),
  },
  sourceOrgRelEnabled: {
    mutate: (f) => { f.ctx.source.orgRelationships[0]!.enabled = false; },
    expect: exchange('MIGR-001', 'Tenant authorization error. The tenants are not configured to support migration.'),
  },
  sourceOrgRelMailboxMoveEnabled: {
    mutate: (f) => { f.ctx.source.orgRelationships[0]!.mailboxMoveEnabled = false; },
    expect: exchange('MIGR-001', `MailboxMove is not enabled in Organization relationship with [${TGT}]`),
  },
  sourceOrgRelCapability: {
    mutate: (f) => { f.ctx.source.orgRelationships[0]!.mailboxMoveCapability = ['Outbound']; },
    expect: exchange('MIGR-001', `MailboxMoveCapability is invalid in Organization relationship with [${TGT}]. It should be [RemoteOutbound] found [Outbound]`),
  },
  sourceOrgRelOAuthApp: {
    mutate: (f) => { f.ctx.source.orgRelationships[0]!.oauthApplicationId = OTHER_APP; },
    expect: exchange('MIGR-001', `Mailbox Migration ApplicationId is not whitelisted in the Organization Relationship with [${TGT}]. Expected [${APP}] found [${OTHER_APP}]`),
  },
  sourceOrgRelPublishedScopes: {
    mutate: (f) => { f.ctx.source.orgRelationships[0]!.mailboxMovePublishedScopes = []; },
    expect: exchange('MIGR-004', 'Source tenant needs to specify MailboxMovePublishedScopes to allow migration'),
  },
  sourceOrgRelScopeGroup: {
    mutate: (f) => { f.ctx.source.scopeGroups[0]!.securityEnabled = false; },
    expect: exchange('MIGR-004', 'Organization relationship on SOURCE tenant does not have a Mail-Enabled security group defined under the MailboxMovePublishedScopes property'),
  },
  migrationEndpointExists: {
    mutate: (f) => { f.ctx.job.exchangeSettings!.sourceEndpoint = 'NoSuchEndpoint'; },
    expect: exchange('EXCH-07', "The migration endpoint 'NoSuchEndpoint' couldn't be found."),
  },
  migrationEndpointType: {
    mutate: (f) => { f.ctx.target.migrationEndpoints[0]!.endpointType = 'IMAP'; },
    expect: exchange('EXCH-07', 'No valid migration endpoints for the remote tenant.'),
  },
  migrationEndpointRemoteTenant: {
    mutate: (f) => { f.ctx.target.migrationEndpoints[0]!.remoteTenant = 'fabrikam.onmicrosoft.com'; },
    expect: exchange('EXCH-07', 'RemoteTenant does not match in Migration Endpoint. Expected [contoso.onmicrosoft.com] found [fabrikam.onmicrosoft.com]'),
  },
  migrationEndpointApplicationId: {
    mutate: (f) => { f.ctx.target.migrationEndpoints[0]!.applicationId = OTHER_APP; },
    expect: exchange('EXCH-07', `ApplicationId does not match in Migration Endpoint. Expected [${APP}] found [${OTHER_APP}]`),
  },
  migrationEndpointIsRemote: {
    mutate: (f) => { f.ctx.target.migrationEndpoints[0]!.isRemote = false; },
    expect: exchange('EXCH-07', 'IsRemote does not match in Migration Endpoint. Expected [true] found [False]'),
  },
  noSharedDomains: {
    mutate: (f) => {
      f.ctx.target.domains.push({ name: 'contoso.com', isVerified: true, isInitial: false, isDefault: false, acceptedDomainType: 'Authoritative' });
    },
    expect: exchange('MIGR-001', `Tenant authorization error. The tenants are not configured to support migration. The domain contoso.com is in both source tenant ${SRC} and target tenant ${TGT}; a domain can be associated with one tenant only.`),
  },
};
