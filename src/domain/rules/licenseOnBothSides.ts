import type { Workload } from '../enums.js';
import { EXCHANGE_PLANS, Licenses } from '../tenantVocabulary.js';
import { userRule } from '../validation/define.js';
import { hasAnyLicense } from '../validation/helpers.js';
import type { UserRule } from '../validation/types.js';

// Teams and meeting migration need the licence in both tenants: one rule per side, so an
// unmapped user's target side is still checked.
function pair(def: { id: string; code: string; workload: Workload; reference: string; message: string; skus: readonly string[] }): [UserRule, UserRule] {
  const make = (side: 'Source' | 'Target') =>
    userRule({
      id: `${def.id}${side}`,
      code: def.code,
      workloads: [def.workload],
      reference: `${def.reference} (${side.toLowerCase()} tenant)`,
      message: def.message,
      needsSource: side === 'Source',
      test: (ctx, u) => {
        const user = side === 'Source' ? u.sourceUser : u.targetUser;
        const tenant = side === 'Source' ? ctx.source : ctx.target;
        return !!user && !hasAnyLicense(user, def.skus) && { user: user.userPrincipalName, tenantId: tenant.id };
      },
    });
  return [make('Source'), make('Target')];
}

export const [teamsLicenseSource, teamsLicenseTarget] = pair({
  id: 'teamsLicense',
  code: 'CTTM-005',
  workload: 'Teams',
  reference: 'migration-domain.md §3 (Teams licence both sides), §4.3; ORCH-2 / ERR CTTM-005 text',
  message: 'Teams migration failed. User {user} in tenant {tenantId} does not have a Teams license. Assign a Teams license to the user and retry migration.',
  skus: [Licenses.teams],
});

export const [meetingExchangeLicenseSource, meetingExchangeLicenseTarget] = pair({
  id: 'meetingExchangeLicense',
  code: 'MMS-007',
  workload: 'Meeting',
  reference: 'migration-domain.md §3 (Exchange Online licence both sides), §4.3; ORCH-2 / ERR MMS-007 text',
  message:
    'Teams Meeting migration failed for user {user}. User {user} in tenant {tenantId} does not have an active Exchange Online Plan. ' +
    'Assign an Exchange Online Plan to the user and retry migration.',
  skus: EXCHANGE_PLANS,
});

export const [meetingTeamsLicenseSource, meetingTeamsLicenseTarget] = pair({
  id: 'meetingTeamsLicense',
  code: 'TMS-003',
  workload: 'Meeting',
  reference: 'migration-domain.md §3, §4.5; ERR TMS-003 text',
  message:
    'Teams Meeting migration failed for user {user}. User {user} in tenant {tenantId} does not have a Teams license. ' +
    'Assign a Teams license to the user and retry migration.',
  skus: [Licenses.teams],
});
