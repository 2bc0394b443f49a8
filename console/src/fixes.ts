// Validation failures an operator can fix from the console: each is one setting of the user's SOURCE
// mailbox, changed through the admin API (Set-Mailbox in Exchange). Only rules whose fix is a single
// setting are listed; a failure is matched by its code and the rule's wording for that one cause
// (EXCH-08 covers many rules, and sourceMailboxNoHolds reports one failure per kind of hold).

export interface Fix {
  /** The rule (docs/validation-rules.md) and the failure it reports for this one cause. */
  rule: string;
  code: string;
  text: string;
  /** What the button and the confirmation say. */
  label: string;
  setting: string;
  cmdlet: string;
  /** The recipient setting's path in the admin API's recipient object, and the value that fixes it. */
  path: readonly string[];
  value: boolean;
}

export const FIXES: readonly Fix[] = [
  { rule: 'sourceMailboxNoHolds', code: 'EXCH-08', text: 'SOURCE mailbox is under Litigation Hold', label: 'Remove litigation hold', setting: 'LitigationHoldEnabled', cmdlet: 'Set-Mailbox -LitigationHoldEnabled $false', path: ['holds', 'litigationHoldEnabled'], value: false },
  { rule: 'sourceMailboxNoHolds', code: 'EXCH-08', text: 'SOURCE mailbox is under a Delay Hold', label: 'Remove delay hold', setting: 'DelayHoldApplied', cmdlet: 'Set-Mailbox -RemoveDelayHoldApplied', path: ['holds', 'delayHoldApplied'], value: false },
  { rule: 'sourceMailboxNoHolds', code: 'EXCH-08', text: 'SOURCE mailbox is under a Delay Release Hold', label: 'Remove delay release hold', setting: 'DelayReleaseHoldApplied', cmdlet: 'Set-Mailbox -RemoveDelayReleaseHoldApplied', path: ['holds', 'delayReleaseHoldApplied'], value: false },
];

/** The fix for a failure message ("EXCH-08: SOURCE mailbox is under Litigation Hold. …"), if there is one. */
export function fixFor(message: string | null | undefined): Fix | undefined {
  if (!message) return undefined;
  return FIXES.find((f) => message.startsWith(`${f.code}: `) && message.slice(f.code.length + 2).startsWith(f.text));
}

/** The PATCH body that sets the fix's value: `{ holds: { litigationHoldEnabled: false } }`. */
export function patchOf(f: Fix): Record<string, unknown> {
  return f.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), f.value) as Record<string, unknown>;
}

/** The setting's current value in a recipient object of the admin API. */
export function currentOf(f: Fix, recipient: Record<string, unknown>): unknown {
  return f.path.reduce<unknown>((o, key) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined), recipient);
}
