import { userRule } from '../validation/define.js';
import { targetUpn } from '../validation/helpers.js';

export const targetRecipientExists = userRule({
  id: 'targetRecipientExists',
  code: 'EXCH-08',
  workloads: ['Exchange'],
  reference: 'migration-domain.md §1.4 (EXCH-08 reason "target object not found"), rule 12; I-6139 exception text',
  message:
    'MigrationRecipientNotFoundException: A recipient wasn\'t found for "{targetUser}" on the target. Create a recipient of the ' +
    'appropriate type for this migration on the target and try again.',
  needsSource: false,
  test: (_ctx, u) => !u.targetRecipient && { targetUser: targetUpn(u) },
});
