import { tenantRule } from '../validation/define.js';
import { orgRelTo } from '../validation/helpers.js';
import type { TenantSnapshot } from '../validation/types.js';

const MESSAGE = 'MailboxMove is not enabled in Organization relationship with [{partnerTenantId}]';

function disabled(local: TenantSnapshot, partner: TenantSnapshot) {
  const rel = orgRelTo(local, partner.id);
  return !!rel && !rel.mailboxMoveEnabled && { partnerTenantId: partner.id };
}

export const targetOrgRelMailboxMoveEnabled = tenantRule({
  id: 'targetOrgRelMailboxMoveEnabled',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, rules 1 and 3 (MailboxMoveEnabled defaults to false); VERIFY text; MIGR-001',
  message: MESSAGE,
  test: (ctx) => disabled(ctx.target, ctx.source),
});

export const sourceOrgRelMailboxMoveEnabled = tenantRule({
  id: 'sourceOrgRelMailboxMoveEnabled',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4, rules 2 and 3; VERIFY text (source context); MIGR-001',
  message: MESSAGE,
  test: (ctx) => disabled(ctx.source, ctx.target),
});
