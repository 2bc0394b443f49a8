// Cases for the rules every workload shares (identity mapping, batch membership, cloud, CTMS).
import type { Cases } from './harness.js';
import { u } from './harness.js';
import { SRC, TGT } from './fixture.js';

const ALL = ['Exchange', 'ODSP', 'Teams', 'Meeting'] as const;
const onAll = (users: number[], errors: [string, string][]) => ALL.map((workload) => ({ users, workload, errors }));

const CTM100: [string, string] = ['CTM-100', 'User migration validation failed. User identity mapping not found.'];
const CTTM003: [string, string] = [
  'CTTM-003',
  `Teams migration for user user2@fabrikam.com failed. User user2@contoso.com from source tenant ${SRC} is not mapped to an identity in target tenant ${TGT}. Refer to documentation for Identity Mapping and retry migration.`,
];
const IM003: [string, string] = [
  'IM-003',
  `Teams meeting migration for user user2@fabrikam.com failed. User user2@fabrikam.com from source tenant ${SRC} isn't mapped to an identity in target tenant ${TGT}. Refer to documentation for identity mapping and retry migration.`,
];

export const unmapped = (f: Parameters<Cases[string]['mutate']>[0]) => {
  u(f, 2).mapping = null;
  u(f, 2).mappedSourceCount = 0;
};

export const generalCases: Cases = {
  identityMappingFound: {
    mutate: unmapped,
    expect: [
      ...onAll([2], [CTM100]),
      { users: [2], workload: 'Teams', errors: [CTTM003] },
      { users: [2], workload: 'Meeting', errors: [IM003] },
    ],
  },
  identityMappingCompleted: {
    mutate: (f) => { u(f, 2).mapping!.state = 'Mapped'; },
    expect: onAll([2], [[
      'CTM-101',
      'User migration validation failed. User identity mapping not in completed state. Mapping state is Mapped. Refer to identity mapping documentation to complete the process or fix the errors.',
    ]]),
  },
  userNotDuplicateInBatch: {
    mutate: (f) => { u(f, 2).occurrencesInJob = 2; },
    expect: onAll([2], [['CTM-001', 'User migration validation failed. User is already a part of the same batch.']]),
  },
  userNotInOtherBatch: {
    mutate: (f) => { u(f, 2).otherActiveJobs = [{ id: 'job-0', displayName: 'Pilot', status: 'inProgress' }]; },
    expect: onAll([2], [['CTM-002', 'User migration validation failed. User is already a part of another batch Pilot']]),
  },
  sameCloud: {
    mutate: (f) => { f.ctx.target.cloud = 'USGov'; },
    expect: onAll([1, 2, 3], [[
      'MIGR-001',
      `Tenant authorization error. The tenants are not configured to support migration. Source tenant ${SRC} is in the Global cloud and target tenant ${TGT} is in the USGov cloud; cross-cloud moves are not supported.`,
    ]]),
  },
  ctmsAppProvisioned: {
    mutate: (f) => { f.ctx.source.settings.orchestrator.ctmsAppProvisioned = false; },
    expect: onAll([1, 2, 3], [[
      'CTM-104',
      'User migration failed. The CTMS App in tenant is not provisioned, or the app is provisioned but is not enabled. Please refer to tenant configuration documentation and retry migration.',
    ]]),
  },
};
