import { userRule } from '../validation/define.js';
import { acceptedDomains, domainOf, isSmtp, stripSmtp } from '../validation/helpers.js';

// Secondary smtp proxies only; the primary address is targetPrimarySmtpAccepted's. CSSX prints the
// proxy with its prefix.
export const targetProxyAddressesAccepted = userRule({
  id: 'targetProxyAddressesAccepted',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 7, §1.4, rule 15 (NotAcceptedDomainException); CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: '{address} is not part of your organization',
  needsSource: false,
  test: (ctx, u) => {
    const r = u.targetRecipient;
    if (!r) return false;
    const accepted = acceptedDomains(ctx.target);
    const primary = r.primarySmtpAddress.toLowerCase();
    return r.emailAddresses
      .filter((a) => isSmtp(a) && stripSmtp(a).toLowerCase() !== primary && !accepted.has(domainOf(a)))
      .map((address) => ({ address }));
  },
});
