import { tenantRule } from '../validation/define.js';
import { orgRelTo } from '../validation/helpers.js';

const MESSAGE = 'Organization relationship does not exist with [{partnerTenantId}]';

export const targetOrgRelExists = tenantRule({
  id: 'targetOrgRelExists',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 1; VERIFY text (DomainNames holds the partner tenant id); ERR MIGR-001',
  message: MESSAGE,
  test: (ctx) => !orgRelTo(ctx.target, ctx.source.id) && { partnerTenantId: ctx.source.id },
});

export const sourceOrgRelExists = tenantRule({
  id: 'sourceOrgRelExists',
  code: 'MIGR-001',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.1, §1.4, rule 2; VERIFY text (source context); ERR MIGR-001',
  message: MESSAGE,
  test: (ctx) => !orgRelTo(ctx.source, ctx.target.id) && { partnerTenantId: ctx.target.id },
});
