// Cases for Teams chats and Teams meetings (ORCH-2 prevalidation table, ERR CTTM/MMS/TMS codes).
import type { Cases, Expectation } from './harness.js';
import { u } from './harness.js';
import { SRC, TGT, targetId } from './fixture.js';
import { unmapped } from './cases.general.js';
import { FirstPartyApps, Licenses, type TenantSettings } from '../../src/domain/tenantVocabulary.js';
import type { Fixture } from './fixture.js';
import type { Workload } from '../../src/domain/enums.js';

const on = (workload: Workload, n: number | undefined, code: string, message: string): Expectation[] =>
  [{ users: n === undefined ? undefined : [n], workload, errors: [[code, message]] }];
const CTTM_APP = FirstPartyApps.teamsChatMigration.appId;
const MMS_APP = FirstPartyApps.meetingMigrationService.appId;
const drop = (f: Fixture, side: 'sourceUser' | 'targetUser', sku: string) => {
  const user = u(f, 2)[side]!;
  user.licenses = user.licenses.filter((l) => l !== sku);
};
const setTeams = (f: Fixture, side: 'source' | 'target', patch: Partial<TenantSettings['teams']>) => Object.assign(f.ctx[side].settings.teams, patch);
const MMS_PROVISION = (tenant: string) =>
  `Teams Meeting migration failed. The MMS App ${MMS_APP} in tenant ${tenant} is not provisioned, or the app is provisioned but is not enabled. Please refer to tenant configuration documentation and retry migration.`;
const AUTOFWD = (tenant: string) =>
  `Teams Meeting migration failed. Tenant ${tenant} does not have AutoforwardingMode set to On in Default Exchange Outbound Spam Filter Policy. Refer to tenant configuration documentation and retry migration.`;
const EXADMIN = (side: string, tenant: string) =>
  `Teams Meeting migration failed. The MMS App ${MMS_APP} in ${side} tenant ${tenant} does not have the Exchange Administrator directory role assigned. Please assign the role and retry migration.`;
const TEAMS_LIC = (user: string, tenant: string) =>
  `Teams migration failed. User ${user} in tenant ${tenant} does not have a Teams license. Assign a Teams license to the user and retry migration.`;
const EXO_PLAN = (user: string, tenant: string) =>
  `Teams Meeting migration failed for user ${user}. User ${user} in tenant ${tenant} does not have an active Exchange Online Plan. Assign an Exchange Online Plan to the user and retry migration.`;
const MTG_TEAMS_LIC = (user: string, tenant: string) =>
  `Teams Meeting migration failed for user ${user}. User ${user} in tenant ${tenant} does not have a Teams license. Assign a Teams license to the user and retry migration.`;

export const teamsCases: Cases = {
  teamsAppProvisioned: {
    mutate: (f) => { setTeams(f, 'source', { chatMigrationAppProvisioned: false }); },
    expect: on('Teams', undefined, 'CTTM-002', `Teams migration failed. App ${CTTM_APP} in tenant ${SRC} is not provisioned, or the app is provisioned but is not enabled. Please refer to tenant configuration documentation and retry migration.`),
  },
  teamsFederation: {
    mutate: (f) => { setTeams(f, 'target', { allowFederatedUsers: false }); },
    expect: on('Teams', undefined, 'CTTM-016', 'Teams migration failed. The tenant failed a pre-migration validation step. Refer to tenant configuration documentation and retry validation.'),
  },
  teamsTargetUserExists: {
    workloads: ['Teams'],
    mutate: (f) => { u(f, 2).targetUser = null; },
    expect: on('Teams', 2, 'CTTM-015', `Teams migration for user ${targetId(2)} failed. The user ${targetId(2)} in tenant ${TGT} does not exist. Check the user Id and retry migration.`),
  },
  teamsIdentityMapped: {
    workloads: ['Teams'],
    mutate: unmapped,
    expect: [{ users: [2], workload: 'Teams', errors: [
      ['CTM-100', 'User migration validation failed. User identity mapping not found.'],
      ['CTTM-003', `Teams migration for user user2@fabrikam.com failed. User user2@contoso.com from source tenant ${SRC} is not mapped to an identity in target tenant ${TGT}. Refer to documentation for Identity Mapping and retry migration.`],
    ] }],
  },
  teamsIdentityConflict: {
    mutate: (f) => { u(f, 2).mappedSourceCount = 2; },
    expect: on('Teams', 2, 'CTTM-009', 'Teams migration for user user2@fabrikam.com failed. There is a conflict in the target user provided by the migration service and the Identity Mapping service. Rerun Identity Mapping and retry migration.'),
  },
  teamsScopeAuthorized: {
    workloads: ['Teams'], // the same scope gap fails Exchange with MIGR-002
    mutate: (f) => { u(f, 2).scopeGroupIds = []; },
    expect: on('Teams', 2, 'CTTM-013', `Teams migration failed. The user user2@contoso.com from source tenant ${SRC} is not authorized to migrate to user user2@fabrikam.com from target tenant ${TGT}. Refer to documentation for Identity Mapping and retry migration.`),
  },
  teamsLicenseSource: {
    workloads: ['Teams'], // meetings need the Teams licence too (TMS-003)
    mutate: (f) => drop(f, 'sourceUser', Licenses.teams),
    expect: on('Teams', 2, 'CTTM-005', TEAMS_LIC('user2@contoso.com', SRC)),
  },
  teamsLicenseTarget: {
    workloads: ['Teams'],
    mutate: (f) => drop(f, 'targetUser', Licenses.teams),
    expect: on('Teams', 2, 'CTTM-005', TEAMS_LIC('user2@fabrikam.com', TGT)),
  },
  mmsAppProvisionedSource: {
    mutate: (f) => { setTeams(f, 'source', { meetingMigrationAppProvisioned: false }); },
    expect: on('Meeting', undefined, 'MMS-001', MMS_PROVISION(SRC)),
  },
  mmsAppProvisionedTarget: {
    mutate: (f) => { setTeams(f, 'target', { meetingMigrationAppProvisioned: false }); },
    expect: on('Meeting', undefined, 'MMS-002', MMS_PROVISION(TGT)),
  },
  mmsCalendarRbac: {
    mutate: (f) => { f.ctx.target.settings.exchange.calendarRbacRolesAssigned = false; },
    expect: on('Meeting', undefined, 'MMS-003', `Teams Meeting migration failed. MMS app in tenant ${TGT} is missing the required RBAC roles to access the calendar. Refer to tenant configuration documentation and retry migration.`),
  },
  autoForwardingSource: {
    mutate: (f) => { f.ctx.source.settings.exchange.autoForwardingMode = 'Automatic'; },
    expect: on('Meeting', undefined, 'MMS-005', AUTOFWD(SRC)),
  },
  autoForwardingTarget: {
    mutate: (f) => { f.ctx.target.settings.exchange.autoForwardingMode = 'Off'; },
    expect: on('Meeting', undefined, 'MMS-006', AUTOFWD(TGT)),
  },
  mmsExchangeAdminSource: {
    mutate: (f) => { setTeams(f, 'source', { meetingMigrationAppExchangeAdmin: false }); },
    expect: on('Meeting', undefined, 'MMS-012', EXADMIN('source', SRC)),
  },
  mmsExchangeAdminTarget: {
    mutate: (f) => { setTeams(f, 'target', { meetingMigrationAppExchangeAdmin: false }); },
    expect: on('Meeting', undefined, 'MMS-013', EXADMIN('target', TGT)),
  },
  meetingIdentityMapped: {
    workloads: ['Exchange', 'Meeting'],
    mutate: unmapped,
    expect: [
      { users: [2], workload: 'Exchange', errors: [['CTM-100', 'User migration validation failed. User identity mapping not found.']] },
      { users: [2], workload: 'Meeting', errors: [
        ['CTM-100', 'User migration validation failed. User identity mapping not found.'],
        ['IM-003', `Teams meeting migration for user user2@fabrikam.com failed. User user2@fabrikam.com from source tenant ${SRC} isn't mapped to an identity in target tenant ${TGT}. Refer to documentation for identity mapping and retry migration.`],
      ] },
    ],
  },
  meetingExchangeSelected: {
    workloads: ['Meeting'],
    mutate: () => {},
    expect: [{ workload: 'Meeting', errors: (n) => [['MMS-011', `Teams Meeting migration failed for user user${n}@fabrikam.com. The user does not have a target mailbox. Retry migration.`]] }],
  },
  meetingExchangeLicenseSource: {
    mutate: (f) => drop(f, 'sourceUser', Licenses.exchangeOnline),
    expect: on('Meeting', 2, 'MMS-007', EXO_PLAN('user2@contoso.com', SRC)),
  },
  meetingExchangeLicenseTarget: {
    mutate: (f) => drop(f, 'targetUser', Licenses.exchangeOnline),
    expect: on('Meeting', 2, 'MMS-007', EXO_PLAN('user2@fabrikam.com', TGT)),
  },
  meetingTeamsLicenseSource: {
    workloads: ['Exchange', 'Meeting'],
    mutate: (f) => drop(f, 'sourceUser', Licenses.teams),
    expect: on('Meeting', 2, 'TMS-003', MTG_TEAMS_LIC('user2@contoso.com', SRC)),
  },
  meetingTeamsLicenseTarget: {
    workloads: ['Exchange', 'Meeting'],
    mutate: (f) => drop(f, 'targetUser', Licenses.teams),
    expect: on('Meeting', 2, 'TMS-003', MTG_TEAMS_LIC('user2@fabrikam.com', TGT)),
  },
};
