// demo.yaml's generator scaled to `users` users with the given items per user (the migration bench and
// the 2,000-user batch test): generated users get target UPNs in fabrikam.com and the tenants their
// onmicrosoft domains, so every generated user can migrate every workload.
import { readFileSync } from 'node:fs';

const DEMO = new URL('../../scenarios/demo.yaml', import.meta.url);

export function scaledDemo(o: { users: number; mailItemsPerUser: number; filesPerUser: number; chatMessagesPerUser: number; chatsPerUser?: number; meetingsPerUser?: number }): string {
  let text = readFileSync(DEMO, 'utf8')
    .replace(/^ {2}users: \d+$/m, `  users: ${o.users}`)
    .replace(/^ {2}mailItemsPerUser: \d+$/m, `  mailItemsPerUser: ${o.mailItemsPerUser}`)
    .replace(/^ {2}filesPerUser: \d+$/m, `  filesPerUser: ${o.filesPerUser}`)
    .replace(/^ {2}chatMessagesPerUser: \d+$/m, `  chatMessagesPerUser: ${o.chatMessagesPerUser}`)
    .replace(/^( {2}scopeGroup: .*)$/m, '$1\n  sourceDomain: contoso.onmicrosoft.com\n  targetDomain: fabrikam.onmicrosoft.com')
    .replace(/sourceUserPrincipalName: ([^@\s]+)@contoso\.com,/g, 'sourceUserPrincipalName: $1@contoso.com, targetUserPrincipalName: $1@fabrikam.com,');
  if (o.chatsPerUser !== undefined) text = text.replace(/^ {2}chatsPerUser: \d+$/m, `  chatsPerUser: ${o.chatsPerUser}`);
  if (o.meetingsPerUser !== undefined) text = text.replace(/^ {2}meetingsPerUser: \d+$/m, `  meetingsPerUser: ${o.meetingsPerUser}`);
  return text;
}
