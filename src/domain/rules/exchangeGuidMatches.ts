import { userRule } from '../validation/define.js';
import { mailboxPair, sameText } from '../validation/helpers.js';

// A missing target ExchangeGuid (MissingExchangeGuidException) prints as an empty current value.
export const exchangeGuidMatches = userRule({
  id: 'exchangeGuidMatches',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.3 item 1, §1.4, rule 13; CSSX text; ERR EXCH-08 (ExchangeGuid mismatch / missing)',
  message: 'ExchangeGuid mismatch. Expected value: {expected} ,Current value: {found}',
  needsSource: true,
  test: (_ctx, u) => {
    const p = mailboxPair(u);
    return !!p && !sameText(p.src.exchangeGuid, p.tgt.exchangeGuid) && { expected: p.src.exchangeGuid ?? '', found: p.tgt.exchangeGuid ?? '' };
  },
});
