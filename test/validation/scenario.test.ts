// Integration: the demo tenants loaded through the scenario loader with one generated user per
// documented fault kind; runValidation on the real store must fail each fault user with its code on
// the right workload(s) only, keep every other user valid, and pass again once the rows are fixed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Clock } from '../../src/clock.js';
import type { Store } from '../../src/store/db.js';
import { openTestStore } from '../pg.js';
import { loadScenario, FAULT_KINDS, type FaultKind, type LoadReport } from '../../src/tenants/scenario/index.js';
import { runValidation } from '../../src/engine/validation/runValidation.js';
import type { Workload } from '../../src/domain/enums.js';
import type { MigrationJob, ServiceStatusDetails } from '../../src/domain/job.js';
import { job as makeJob } from './fixture.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
type Want = Partial<Record<Workload, [code: string, message: RegExp, optional?: 'optional'][]>>;
const CTM100: [string, RegExp] = ['CTM-100', /^User migration validation failed\. User identity mapping not found\.$/];
const UNMAPPED: Want = {
  Exchange: [CTM100], ODSP: [CTM100],
  Teams: [CTM100, ['CTTM-003', /is not mapped to an identity in target tenant/]],
  Meeting: [CTM100, ['IM-003', /isn't mapped to an identity in target tenant/]],
};

// Record<FaultKind, …>: a new fault kind without an expectation fails the type check.
const EXPECTED: Record<FaultKind, Want> = {
  // The generator gives a third of the source mailboxes an on-premises X500 proxy as well.
  missingX500: { Exchange: [['EXCH-08', /^LegacyExchangeDN not found as an X500 ProxyAddress/], ['EXCH-08', /^X500:.* is not present on the TARGET MailUser$/i, 'optional']] },
  wrongExchangeGuid: { Exchange: [['EXCH-08', /^ExchangeGuid mismatch\. Expected value: [0-9a-f-]{36} ,Current value: [0-9a-f-]{36}$/]] },
  wrongArchiveGuid: { Exchange: [['EXCH-08', /^ArchiveGuid mismatch\. Expected Value: [0-9a-f-]{36} , Current value: /]] },
  litigationHold: { Exchange: [['EXCH-08', /^SOURCE mailbox is under Litigation Hold\. This move is not supported/]] },
  inPlaceHold: { Exchange: [['EXCH-08', /^SOURCE mailbox is under an In-PlaceHold Hold\./]] },
  unlicensed: {
    Exchange: [['EXCH-08', /^CrossTenantMigrationWithoutLicensePermanentException: No license was found for the source recipient/]],
    ODSP: [['MnAOdbUsersAreNotLicensed', /^Neither source UPN \[fault-unlicensed@contoso\.com\], nor target UPN \[fault-unlicensed@fabrikam\.com\]/]],
  },
  notInScope: {
    Exchange: [['MIGR-002', /^User migration failed\. User fault-not-in-scope@contoso\.com is not authorized to migrate\. .*security group CrossTenantMigrationScope/]],
    Teams: [['CTTM-013', /^Teams migration failed\. The user fault-not-in-scope@contoso\.com from source tenant .* is not authorized to migrate/]],
  },
  targetIsMailbox: { Exchange: [['EXCH-08', /^Target user 'fault-target-mailbox@fabrikam\.com' already has a primary mailbox\.$/]] },
  targetMissing: {
    ...UNMAPPED,
    Exchange: [CTM100, ['EXCH-08', /^MigrationRecipientNotFoundException: A recipient wasn't found/]],
    ODSP: [CTM100, ['MnATargetUserDoesNotExist', /^Target user \[.*\] does not exist on the target side\.$/]],
    Teams: [...UNMAPPED.Teams!, ['CTTM-015', /does not exist\. Check the user Id and retry migration\.$/]],
  },
  externalEmailMismatch: { Exchange: [['EXCH-08', /^TargetMailUser ExternalEmailAddress value SMTP:.*@contoso\.onmicrosoft\.com does not match/]] },
  smtpNotAccepted: { Exchange: [['EXCH-08', /^smtp:.*@fabrikam\.net is not part of your organization$/]] },
  noDeliveryDomainProxy: { Exchange: [['EXCH-08', /no email address in the target delivery domain fabrikam\.onmicrosoft\.com/]] },
  tooManyAuxArchives: { Exchange: [['EXCH-08', /^The SOURCE mailbox has more than 12 auxArchive present/]] },
  dumpsterOverQuota: { Exchange: [['EXCH-08', /^Dumpster size on SOURCE mailbox is bigger than TARGET MailUser RecoverableItemsQuota/]] },
  identityUnmapped: UNMAPPED,
  identityNotCompleted: Object.fromEntries((['Exchange', 'ODSP', 'Teams', 'Meeting'] as const).map((w) => [w, [['CTM-101', /Mapping state is Mapped\./]]])),
  oneDriveReadOnly: { ODSP: [['MnAMoveJobCreationFailed', /Error: \[The source OneDrive https:\/\/contoso-my\.sharepoint\.com\/personal\/.* is ReadOnly; it must be ReadWrite\.\]$/]] },
  oneDriveMissing: { ODSP: [['MnAOdbForSourceUPNDoesNotExist', /^OneDrive site for source user UPN \[fault-onedrivemissing@contoso\.com\] does not exist\.$/]] },
  targetOneDriveExists: { ODSP: [['MnASiteMoveTargetUrlHasWriteConflict', /^The target tenant has a conflict for the site provided\./]] },
  noSpoMapping: { ODSP: [['MnAIdentityMapEntryDoesNotExistsForSourceUPN', /^Identity map entry for source UPN \[fault-nospomapping@contoso\.com\] does not exist/]] },
  longPath: { ODSP: [['MnATargetUrlNotValidForRename', /^For site Source url 'https:\/\/contoso-my.*', target url 'https:\/\/fabrikam-my\.sharepoint\.com\/personal\/fault_longpath_fabrikam_com'/]] },
  noTeamsLicense: {
    Teams: [['CTTM-005', new RegExp(`^Teams migration failed\\. User fault-noteamslicense@fabrikam\\.com in tenant ${TGT} does not have a Teams license`)]],
    Meeting: [['TMS-003', /^Teams Meeting migration failed for user fault-noteamslicense@fabrikam\.com\. .* does not have a Teams license/]],
  },
  noExchangePlan: { Meeting: [['MMS-007', /^Teams Meeting migration failed for user fault-noexchangeplan@fabrikam\.com\. .* does not have an active Exchange Online Plan/]] },
};

// Faults whose pair keeps a fixed UPN the expectations name.
const UPN: Partial<Record<FaultKind, string>> = { unlicensed: 'fault-unlicensed', notInScope: 'fault-not-in-scope', targetIsMailbox: 'fault-target-mailbox' };
const upnOf = (k: FaultKind) => UPN[k] ?? `fault-${k.toLowerCase()}`;

function scenarioText(): string {
  const demo = readFileSync(new URL('../../scenarios/demo.yaml', import.meta.url), 'utf8');
  const cut = demo.indexOf('\ngenerate:');
  const tenants = demo.slice(0, cut);
  // Keep the demo's fault-free named pairs (its listed groups, chats and sites refer to them).
  const ready = demo.slice(cut).split('\n').filter((l) => l.trimStart().startsWith('- { sourceUserPrincipalName') && !l.includes('faults:'));
  const pairs = [...ready, ...FAULT_KINDS.map((k) => `    - { sourceUserPrincipalName: ${upnOf(k)}@contoso.com, faults: [${k}] }`)];
  return `${tenants}\ngenerate:\n  source: ${SRC}\n  target: ${TGT}\n  seed: 7\n  users: 12\n  mailItemsPerUser: 2\n  filesPerUser: 3\n` +
    `  chatsPerUser: 1\n  chatMessagesPerUser: 2\n  meetingsPerUser: 1\n  scopeGroup: CrossTenantMigrationScope\n  pairs:\n${pairs.join('\n')}\n`;
}

let store: Store;
let report: LoadReport;
let job: MigrationJob;
let clock: Clock;
const byUpn = new Map<string, string>(); // target UPN -> target id

before(async () => {
  store = await openTestStore();
  clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
  report = await loadScenario(store, clock, { text: scenarioText(), name: 'faults.yaml' });
  const generated = await store.db.selectFrom('identity_mappings').select('source_user_id').where('target_tenant_id', '=', TGT).execute();
  const targets = await store.db.selectFrom('users').select(['id', 'user_principal_name']).where('tenant_id', '=', TGT).execute();
  for (const t of targets) byUpn.set(t.user_principal_name, t.id);
  const resources = [...new Set([...report.faults.map((f) => f.targetId), ...targets.filter((t) => !/^(admin|plain\.user|migration\.admin)@/.test(t.user_principal_name)).map((t) => t.id)])];
  assert.ok(generated.length >= 12);
  job = {
    ...makeJob([]), tenantId: TGT, sourceTenantId: SRC, resources,
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
  };
});
after(() => store?.close());

const validate = () => runValidation(store, job, job.resources, { nowMs: clock.nowMs(), mode: 'all' });

function check(label: string, statuses: ServiceStatusDetails[], want: Want): void {
  for (const s of statuses) {
    const expected = want[s.service] ?? [];
    assert.equal(s.status, expected.length ? 'invalid' : 'valid', `${label} ${s.service}: ${JSON.stringify(s.errors)}`);
    for (const e of s.errors) assert.ok(expected.some(([c, re]) => c === e.code && re.test(e.message)), `${label} ${s.service}: unexpected ${e.code} ${e.message}`);
    for (const [c, re, optional] of expected) assert.ok(optional || s.errors.some((e) => e.code === c && re.test(e.message)), `${label} ${s.service}: missing ${c} ${re}`);
  }
}

test('every fault user fails with its documented code(s) on exactly its workload(s); all others are valid', async () => {
  assert.deepEqual([...new Set(report.faults.map((f) => f.kind))].sort(), [...FAULT_KINDS].sort());
  const out = await validate();
  const faultOf = new Map(report.faults.map((f) => [f.targetId, f.kind]));
  let clean = 0;
  for (const [id, statuses] of out) {
    const kind = faultOf.get(id);
    check(kind ?? id, statuses, kind ? EXPECTED[kind] : {});
    if (!kind) clean += 1;
  }
  assert.ok(clean >= 12, `${clean} clean users`);
});

test('after fixing the rows, re-validation passes for those users', async () => {
  const fault = (k: FaultKind) => report.faults.find((f) => f.kind === k)!;
  const db = store.db;
  await db.updateTable('recipients').set({ holds: '{}' }).where('tenant_id', '=', SRC).where('id', '=', fault('litigationHold').sourceId).execute();
  await db.insertInto('group_members').values({ tenant_id: SRC, group_id: 'c1000000-0000-4000-8000-00000000a5c0', member_id: fault('notInScope').sourceId }).execute();
  await db.updateTable('identity_mappings').set({ state: 'Completed' }).where('source_user_id', '=', fault('identityNotCompleted').sourceId).execute();
  await db.updateTable('sites').set({ state: 'ReadWrite' }).where('tenant_id', '=', SRC).where('owner_user_id', '=', fault('oneDriveReadOnly').sourceId).execute();
  const wrong = await db.selectFrom('recipients').select('exchange_guid').where('tenant_id', '=', SRC).where('id', '=', fault('wrongExchangeGuid').sourceId).executeTakeFirstOrThrow();
  await db.updateTable('recipients').set({ exchange_guid: wrong.exchange_guid }).where('tenant_id', '=', TGT).where('id', '=', fault('wrongExchangeGuid').targetId).execute();
  const lic = await db.selectFrom('users').select('licenses').where('tenant_id', '=', TGT).where('id', '=', fault('noTeamsLicense').targetId).executeTakeFirstOrThrow();
  await db.updateTable('users').set({ licenses: JSON.stringify([...JSON.parse(lic.licenses), 'TEAMS1']) }).where('tenant_id', '=', TGT).where('id', '=', fault('noTeamsLicense').targetId).execute();

  const out = await validate();
  for (const k of ['litigationHold', 'notInScope', 'identityNotCompleted', 'oneDriveReadOnly', 'wrongExchangeGuid', 'noTeamsLicense'] as const) {
    check(`fixed ${k}`, out.get(fault(k).targetId)!, {});
  }
  check('still broken', out.get(fault('longPath').targetId)!, EXPECTED.longPath);
});

test('tenant-level faults are reported on every user for the affected workload', async () => {
  const ids = [byUpn.get('megan.bowen@fabrikam.com')!, byUpn.get('alex.wilber@fabrikam.com')!];
  await store.db.updateTable('organization_relationships').set({ mailbox_move_published_scopes: '[]' }).where('tenant_id', '=', SRC).execute();
  await store.db.updateTable('spo_relationships').set({ created_at: new Date(clock.nowMs() - 86_400_000).toISOString() }).where('tenant_id', '=', SRC).execute();
  const out = await runValidation(store, job, ids, { nowMs: clock.nowMs(), mode: 'all' });
  for (const id of ids) {
    check(id, out.get(id)!, {
      Exchange: [['MIGR-004', /^Source tenant needs to specify MailboxMovePublishedScopes to allow migration$/]],
      ODSP: [['MnATrustNoSetupForPartner', /^There is no Cross-Tenant relationship established for partner \[https:\/\/contoso-my\.sharepoint\.com\]\. .*DormantByPartner/]],
    });
  }
  // Seven days on (clock service) the SPO trust is usable; the scope fault remains.
  clock.advance(7 * 86_400_000);
  const later = await runValidation(store, job, ids, { nowMs: clock.nowMs(), mode: 'firstFailure' });
  for (const id of ids) check(id, later.get(id)!, { Exchange: [['MIGR-004', /MailboxMovePublishedScopes/]] });
});
