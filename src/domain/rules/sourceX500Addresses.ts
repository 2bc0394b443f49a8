import { userRule } from '../validation/define.js';
import { isX500, mailboxPair } from '../validation/helpers.js';

// One finding per missing x500 proxy of the source. The LegacyExchangeDN's own x500 is left to
// legacyExchangeDnX500 so a single missing address is reported once.
export const sourceX500Addresses = userRule({
  id: 'sourceX500Addresses',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 3, §1.4, rule 14; CSSX text; code EXCH-08 = orchestrator Exchange setup validation',
  message: '{address} is not present on the TARGET MailUser',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    if (!p) return false;
    const have = new Set(p.tgt.emailAddresses.map((a) => a.toLowerCase()));
    const legacy = `x500:${p.src.legacyExchangeDn}`.toLowerCase();
    return p.src.emailAddresses
      .filter((a) => isX500(a) && a.toLowerCase() !== legacy && !have.has(a.toLowerCase()))
      .map((address) => ({ address }));
  },
});
