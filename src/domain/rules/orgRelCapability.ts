import { tenantRule } from '../validation/define.js';
import { orgRelTo } from '../validation/helpers.js';
import type { TenantSnapshot } from '../validation/types.js';

// "Includes" rather than VerifySetup's equality: reverse moves set Inbound, RemoteOutbound on both sides (rule 7).
function wrong(local: TenantSnapshot, partner: TenantSnapshot, needed: string) {
  const rel = orgRelTo(local, partner.id);
  if (!rel || rel.mailboxMoveCapability.some((c) => c.toLowerCase() === needed.toLowerCase())) return false;
  return { partnerTenantId: partner.id, found: rel.mailboxMoveCapability.join(', ') };
}

export const targetOrgRelCapability = tenantRule({
  id: 'targetOrgRelCapability',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rules 1 and 7; VERIFY text; MIGR-001',
  message: 'MailboxMoveCapability is invalid in Organization relationship with [{partnerTenantId}]. It should be [Inbound] found [{found}]',
  test: (ctx) => wrong(ctx.target, ctx.source, 'Inbound'),
});

export const sourceOrgRelCapability = tenantRule({
  id: 'sourceOrgRelCapability',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rules 2 and 7; VERIFY text (source context); MIGR-001',
  message: 'MailboxMoveCapability is invalid in Organization relationship with [{partnerTenantId}]. It should be [RemoteOutbound] found [{found}]',
  test: (ctx) => wrong(ctx.source, ctx.target, 'RemoteOutbound'),
});
