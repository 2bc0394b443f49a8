import { userRule } from '../validation/define.js';
import { mailboxPair } from '../validation/helpers.js';

export const legacyExchangeDnX500 = userRule({
  id: 'legacyExchangeDnX500',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 3, §1.4, rule 14; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: 'LegacyExchangeDN not found as an X500 ProxyAddress on Target Object. LegacyExchangeDN expected on target object: {legacyDn}',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    if (!p || !p.src.legacyExchangeDn) return false;
    const wanted = `x500:${p.src.legacyExchangeDn}`.toLowerCase();
    return !p.tgt.emailAddresses.some((a) => a.toLowerCase() === wanted) && { legacyDn: p.src.legacyExchangeDn };
  },
});
