// A small two-tenant world for the directory and admin tests, written as a scenario file (YAML) and
// loaded by the tenant model's scenario loader; helpers to page through collections and to snapshot a tenant.
import assert from 'node:assert/strict';
import { startServer, T, type TestServer } from '../helpers.js';
import { Clock } from '../../src/clock.js';
import { loadScenario } from '../../src/tenants/scenario/index.js';
import { countTenantRows } from '../../src/store/tenantsRepo.js';

export const SRC = 'contoso.onmicrosoft.com';
export const TGT = 'fabrikam.onmicrosoft.com';
export const U = {
  alice: `alice@${SRC}`,
  bob: `bob@${SRC}`,
  carol: `carol@${SRC}`,
  dave: `dave@${TGT}`,
};
export const CHAT_ID = '19:0123456789abcdef0123456789abcdef@thread.v2';
export const TARGET_CHAT_ID = '19:fedcba9876543210fedcba9876543210@thread.v2';

// The world as a scenario file (loaded by the tenant model's scenario loader). The apps and secrets are
// those of test/helpers.ts, so s.token() works; T.noRoleApp is consented with no permission at all.
export const WORLD_YAML = `
name: directory-world
tenants:
  - id: ${T.source}
    displayName: Contoso
    initialDomain: ${SRC}
    servicePrincipals:
      - appId: ${T.app}
        grantedPermissions:
          - { resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }
    users:
      - userPrincipalName: ${U.alice}
        displayName: Alice Adams
        licenses: [EXCHANGE_S_ENTERPRISE]
        mailbox:
          emailAddresses: ["SMTP:${U.alice}", "smtp:aa@${SRC}"]
          folders:
            - { displayName: Projects, parent: inbox }
          items:
${[1, 2, 3, 4, 5].map((i) => `            - { folder: inbox, subject: Budget ${i}, from: partner${i}@example.com, receivedDateTime: "2026-05-0${i}T10:00:00Z", isRead: ${i % 2 === 0}, bodyPreview: Numbers ${i} }`).join('\n')}
            - { folder: Projects, subject: Kickoff, receivedDateTime: "2026-05-06T10:00:00Z" }
            - { folder: calendar, subject: Standup, receivedDateTime: "2026-05-07T09:00:00Z" }
            - { folder: contacts, subject: Zoe Zimmer, from: zoe@example.com }
            - { folder: recoverableitemsdeletions, subject: Deleted thing }
      - { userPrincipalName: ${U.bob}, displayName: Bob Brown, mailbox: {} }
      - { userPrincipalName: ${U.carol}, displayName: Carol Clark, accountEnabled: false }
    groups:
      - { displayName: Movers, groupType: MailEnabledSecurity, mailNickname: movers, members: [${U.alice}, ${U.bob}] }
    sites:
      - kind: OneDrive
        owner: ${U.alice}
        permissions: [{ link: organization, role: read }]
        items:
          - { path: /Projects/plan.docx, sizeBytes: 1000, permissions: [{ principal: ${U.bob}, role: write }] }
          - { path: /Projects/budget.xlsx, sizeBytes: 2000 }
          - { path: /notes.txt, sizeBytes: 10 }
      - { kind: Site, url: "https://contoso.sharepoint.com/sites/hr", title: HR }
    chats:
      - id: "${CHAT_ID}"
        chatType: group
        topic: Launch
        members: [${U.alice}, ${U.bob}]
        createdDateTime: "2026-05-01T08:00:00Z"
        messages:
          - { from: ${U.alice}, body: hello }
          - { from: ${U.bob}, body: hi }
          - { from: ${U.alice}, body: ship it }
  - id: ${T.target}
    displayName: Fabrikam
    initialDomain: ${TGT}
    applications:
      - appId: ${T.app}
        displayName: migration app
        requiredPermissions:
          - { resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }
          - { resource: Microsoft Graph, value: User.Read.All }
        secrets: [{ value: ${T.secret} }]
      - { appId: ${T.noRoleApp}, displayName: no roles, secrets: [{ value: ${T.secret} }] }
      - { appId: ${T.readApp}, displayName: reader, secrets: [{ value: ${T.secret} }] }
    servicePrincipals:
      - appId: ${T.app}
        grantedPermissions:
          - { resource: Microsoft Graph, value: CrossTenantContentMigration.ReadWrite.All }
          - { resource: Microsoft Graph, value: User.Read.All }
      - { appId: ${T.noRoleApp} }
    users:
      - userPrincipalName: ${U.dave}
        displayName: Dave Dunn
        mailbox:
          items: [{ folder: inbox, subject: Target mail }]
    groups:
      - { displayName: Target team, groupType: Security, members: [${U.dave}] }
    sites:
      - { kind: OneDrive, owner: ${U.dave}, items: [{ path: /dave.txt }] }
    chats:
      - { id: "${TARGET_CHAT_ID}", chatType: group, topic: Target chat, members: [${U.dave}], messages: [{ from: ${U.dave}, body: x }] }
`;

/** A server whose store holds WORLD_YAML, loaded by the scenario loader before the server starts. */
export async function startWorld(cfg: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  return startServer(cfg, {
    seed: async (store) => {
      await loadScenario(store, new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') }), { text: WORLD_YAML, name: 'directory-world.yaml' });
    },
  });
}

/** Follows @odata.nextLink until the end; returns every item and the number of pages. */
export async function collect(s: TestServer, path: string, token?: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let url: string | undefined = path;
  let pages = 0;
  while (url) {
    const r = await s.api('GET', url, token === undefined ? {} : { token });
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    items.push(...r.body.value);
    pages++;
    const next: string | undefined = r.body['@odata.nextLink'];
    if (next) assert.ok(next.startsWith(s.url), `nextLink on the request origin: ${next}`);
    url = next?.slice(s.url.length);
  }
  return { items, pages };
}

/** Every table's rows of a tenant, to prove a refused write changed nothing. */
export async function snapshot(s: TestServer, tenantId: string): Promise<string> {
  const counts = await countTenantRows(s.deps.store, tenantId);
  const db = s.deps.store.db;
  const users = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const recipients = await db.selectFrom('recipients').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const groups = await db.selectFrom('group_members').selectAll().where('tenant_id', '=', tenantId).orderBy('group_id').orderBy('member_id').execute();
  const tenant = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute();
  const domains = await db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
  const endpoints = await db.selectFrom('migration_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
  return JSON.stringify({ counts, users, recipients, groups, tenant, domains, endpoints });
}

export async function userId(s: TestServer, tenant: string, upn: string): Promise<string> {
  const r = await s.api('GET', `/xtm/admin/tenants/${tenant}/users/${encodeURIComponent(upn)}`, { token: null });
  assert.equal(r.status, 200, r.text);
  return r.body.id;
}
