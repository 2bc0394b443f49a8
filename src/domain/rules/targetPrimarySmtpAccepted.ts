import { userRule } from '../validation/define.js';
import { acceptedDomains, domainOf } from '../validation/helpers.js';

export const targetPrimarySmtpAccepted = userRule({
  id: 'targetPrimarySmtpAccepted',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 5, §1.4, rule 15 (NotAcceptedDomainException); CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: 'The Primary SMTP address {address} of the MailUser does not belong to an accepted domain on the target tenant',
  needsSource: false,
  test: (ctx, u) => {
    const r = u.targetRecipient;
    return !!r && !acceptedDomains(ctx.target).has(domainOf(r.primarySmtpAddress)) && { address: r.primarySmtpAddress };
  },
});
