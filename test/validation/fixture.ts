// A hand-built, all-valid validation input: two tenants (Contoso → Fabrikam) and three users with
// every workload ready. Unit tests clone it, break exactly one thing and evaluate the registry.
import { Workloads } from '../../src/domain/enums.js';
import type { MigrationJob } from '../../src/domain/job.js';
import { DEFAULT_TENANT_SETTINGS, Licenses, NO_HOLDS, Resources } from '../../src/domain/tenantVocabulary.js';
import type { RecipientRecord, TenantSnapshot, UserSnapshot, ValidationContext } from '../../src/domain/validation/types.js';

export const NOW = Date.parse('2026-06-01T00:00:00.000Z');
export const SRC = '11111111-1111-4111-8111-111111111111';
export const TGT = '22222222-2222-4222-8222-222222222222';
export const APP = 'aaaaaaaa-0000-4000-8000-000000000001';
export const SCOPE_GROUP = 'g0000000-0000-4000-8000-000000000001';
export const LONG_AGO = '2026-04-01T00:00:00.000Z';
const MAILBOX_MIGRATION = [{ resource: Resources.exchange, type: 'Application' as const, value: 'Mailbox.Migration' }];

export interface Fixture { ctx: ValidationContext; users: UserSnapshot[] }

function tenant(id: string, name: string, role: 'source' | 'target'): TenantSnapshot {
  const partner = role === 'source' ? 'fabrikam' : 'contoso';
  return {
    id,
    displayName: name,
    defaultDomain: `${name.toLowerCase()}.onmicrosoft.com`,
    cloud: 'Global',
    mySiteHost: `https://${name.toLowerCase()}-my.sharepoint.com`,
    rootSiteHost: `https://${name.toLowerCase()}.sharepoint.com`,
    settings: structuredClone(DEFAULT_TENANT_SETTINGS),
    domains: [
      { name: `${name.toLowerCase()}.com`, isVerified: true, isInitial: false, isDefault: true, acceptedDomainType: 'Authoritative' },
      { name: `${name.toLowerCase()}.onmicrosoft.com`, isVerified: true, isInitial: true, isDefault: false, acceptedDomainType: 'Authoritative' },
    ],
    applications: role === 'target' ? [{ appId: APP, ownerTenantId: TGT, displayName: 'T2T migration', requiredPermissions: MAILBOX_MIGRATION }] : [],
    servicePrincipals: [{ appId: APP, displayName: 'T2T migration', appOwnerTenantId: TGT, grantedPermissions: MAILBOX_MIGRATION, directoryRoles: [] }],
    orgRelationships: [
      role === 'target'
        ? { id: 'or-t', name: 'FromContoso', enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: ['Inbound'], domainNames: [SRC], oauthApplicationId: null, mailboxMovePublishedScopes: [] }
        : { id: 'or-s', name: 'ToFabrikam', enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: ['RemoteOutbound'], domainNames: [TGT], oauthApplicationId: APP, mailboxMovePublishedScopes: ['T2T-Scope'] },
    ],
    migrationEndpoints: role === 'target'
      ? [{ name: 'T2TEndpoint', endpointType: 'ExchangeRemoteMove', remoteServer: 'outlook.office.com', remoteTenant: 'contoso.onmicrosoft.com', applicationId: APP, isRemote: true }]
      : [],
    spoRelationships: [{ partnerHostUrl: `https://${partner}-my.sharepoint.com`, scenario: 'MnA', partnerRole: role === 'source' ? 'Target' : 'Source', createdAt: LONG_AGO }],
    scopeGroups: role === 'source'
      ? [{ id: SCOPE_GROUP, displayName: 'T2T-Scope', mailNickname: 't2tscope', mail: 't2tscope@contoso.com', mailEnabled: true, securityEnabled: true }]
      : [],
  };
}

const guid = (n: number, kind: string) => `${kind}${String(n).padStart(7, '0')}-0000-4000-8000-00000000000${n}`;
export const targetId = (n: number) => guid(n, 't');
export const sourceId = (n: number) => guid(n, 's');
export const legacyDn = (n: number) => `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user${n}`;

function recipient(n: number, side: 'source' | 'target'): RecipientRecord {
  const src = side === 'source';
  const domain = src ? 'contoso' : 'fabrikam';
  return {
    id: src ? sourceId(n) : targetId(n),
    recipientType: src ? 'UserMailbox' : 'MailUser',
    recipientTypeDetails: src ? 'UserMailbox' : 'MailUser',
    alias: `user${n}`,
    primarySmtpAddress: `user${n}@${domain}.com`,
    emailAddresses: src
      ? [`SMTP:user${n}@contoso.com`, `smtp:user${n}@contoso.onmicrosoft.com`, `x500:/o=Contoso/ou=Legacy/cn=user${n}`]
      : [`SMTP:user${n}@fabrikam.com`, `smtp:user${n}@fabrikam.onmicrosoft.com`, `x500:${legacyDn(n)}`, `x500:/o=Contoso/ou=Legacy/cn=user${n}`],
    externalEmailAddress: src ? null : `SMTP:user${n}@contoso.com`,
    exchangeGuid: guid(n, 'e'),
    archiveGuid: n === 1 ? guid(n, 'a') : null,
    auxArchiveCount: 0,
    legacyExchangeDn: src ? legacyDn(n) : `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=fab-user${n}`,
    holds: structuredClone(NO_HOLDS),
    mailboxSizeBytes: 2 * 1024 ** 3,
    recoverableItemsSizeBytes: 1024 ** 3,
    prohibitSendReceiveQuotaBytes: 100 * 1024 ** 3,
    recoverableItemsQuotaBytes: 30 * 1024 ** 3,
    previousRecipientTypeDetails: null,
    mailboxMoveRemoteHostName: null,
  };
}

function user(n: number): UserSnapshot {
  const all = [Licenses.exchangeOnline, Licenses.teams, Licenses.sharePoint];
  return {
    id: targetId(n),
    targetUser: { id: targetId(n), userPrincipalName: `user${n}@fabrikam.com`, displayName: `User ${n}`, mail: `user${n}@fabrikam.com`, accountEnabled: true, userType: 'Member', licenses: [...all] },
    targetRecipient: recipient(n, 'target'),
    mapping: { sourceUserId: sourceId(n), state: 'Completed' },
    mappedSourceCount: 1,
    sourceUser: { id: sourceId(n), userPrincipalName: `user${n}@contoso.com`, displayName: `User ${n}`, mail: `user${n}@contoso.com`, accountEnabled: true, userType: 'Member', licenses: [Licenses.crossTenantUserDataMigration, ...all] },
    sourceRecipient: recipient(n, 'source'),
    scopeGroupIds: [SCOPE_GROUP],
    spoMapping: { sourceUpn: `user${n}@contoso.com`, targetUpn: `user${n}@fabrikam.com`, targetEmail: `user${n}@fabrikam.com`, userType: 'regularUser' },
    sourceOneDrive: {
      id: `site-${n}`, url: `https://contoso-my.sharepoint.com/personal/user${n}_contoso_com`, kind: 'OneDrive', state: 'ReadWrite',
      itemCount: 12, totalBytes: 5 * 1024 ** 2, longestPathLength: 42,
    },
    targetOneDriveUrl: null,
    otherActiveJobs: [],
    occurrencesInJob: 1,
    meetingsOrganized: 2,
  };
}

export function job(users: UserSnapshot[]): MigrationJob {
  return {
    id: 'job-1', tenantId: TGT, displayName: 'Wave 1', jobType: 'validate', status: 'validateInProgress', message: '',
    completeAfterDateTime: '2026-06-20T00:00:00.000Z', completeAfterAsSent: '2026-06-20T00:00:00.000Z', sourceTenantId: SRC,
    exchangeSettings: { sourceEndpoint: 'T2TEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    workloads: [...Workloads], workloadsAsSent: [], resourceType: 'Users', resources: users.map((u) => u.id), createdBy: 'admin@fabrikam.com',
    createdDateTime: '2026-05-30T00:00:00.000Z', lastUpdatedDateTime: '2026-05-30T00:00:00.000Z', validatedAt: null, opSeq: 1,
  };
}

/** A fresh all-valid fixture (users 1..3; user 1 has an archive). */
export function validFixture(): Fixture {
  const users = [user(1), user(2), user(3)];
  return { ctx: { job: job(users), source: tenant(SRC, 'Contoso', 'source'), target: tenant(TGT, 'Fabrikam', 'target'), nowMs: NOW }, users };
}
