import { tenantRule } from '../validation/define.js';
import { orgRelTo, resolveScopeGroups } from '../validation/helpers.js';

export const sourceOrgRelPublishedScopes = tenantRule({
  id: 'sourceOrgRelPublishedScopes',
  code: 'MIGR-004',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.2, rule 2; VERIFY text; ERR MIGR-004 (OrgRel or scope)',
  message: 'Source tenant needs to specify MailboxMovePublishedScopes to allow migration',
  test: (ctx) => {
    const rel = orgRelTo(ctx.source, ctx.target.id);
    return !!rel && rel.mailboxMovePublishedScopes.length === 0 && {};
  },
});

// Scopes are set but none names a mail-enabled security group of the source tenant.
export const sourceOrgRelScopeGroup = tenantRule({
  id: 'sourceOrgRelScopeGroup',
  code: 'MIGR-004',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.2 (mail-enabled security group), rule 2; CSSX CheckOrgs text; ERR MIGR-004',
  message:
    'Organization relationship on SOURCE tenant does not have a Mail-Enabled security group defined under the MailboxMovePublishedScopes property',
  test: (ctx) => {
    const rel = orgRelTo(ctx.source, ctx.target.id);
    if (!rel || rel.mailboxMovePublishedScopes.length === 0) return false;
    return !resolveScopeGroups(ctx.source, rel).some((g) => g.mailEnabled && g.securityEnabled) && {};
  },
});
