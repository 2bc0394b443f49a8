// How directory objects are keyed and compared: names, UPNs, addresses and domains match case-
// insensitively (stored lower-cased), object ids are GUIDs, a recipient's SMTP addresses are its
// `smtp:` proxies. The store, the tenant model and the rules all key objects this way.

export const lower = (s: string): string => s.toLowerCase();

export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const GUID_RE = new RegExp(GUID_PATTERN);

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_RE.test(value);
}

/** SMTP addresses (primary and proxies, without prefix) of an emailAddresses list. */
export function smtpAddresses(emailAddresses: readonly string[]): string[] {
  return emailAddresses.filter((a) => /^smtp:/i.test(a)).map((a) => a.slice(5));
}
