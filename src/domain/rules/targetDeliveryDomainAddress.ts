import { userRule } from '../validation/define.js';
import { domainOf, isSmtp, targetUpn } from '../validation/helpers.js';

// At completion the source object's targetAddress is set to the target proxy in TargetDeliveryDomain.
export const targetDeliveryDomainAddress = userRule({
  id: 'targetDeliveryDomainAddress',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.5, §1.6, rule 17 (inference); xtm wording (no verbatim text published); code EXCH-08 = orchestrator Exchange setup validation',
  message:
    'The TARGET MailUser {targetUser} has no email address in the target delivery domain {domain}, so mail to the source mailbox ' +
    "can't be routed to it after the move.",
  needsSource: false,
  test: (ctx, u) => {
    const r = u.targetRecipient;
    const domain = ctx.job.exchangeSettings?.targetDeliveryDomain?.toLowerCase();
    if (!r || !domain) return false;
    const has = domainOf(r.primarySmtpAddress) === domain || r.emailAddresses.some((a) => isSmtp(a) && domainOf(a) === domain);
    return !has && { targetUser: targetUpn(u), domain };
  },
});
