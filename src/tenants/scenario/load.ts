// Loads a scenario file: parse, check everything (schema, then invariants against store + file), then
// in ONE transaction delete every row of the file's tenants and insert listed and generated rows; then
// keep the file's throttle budget (xtm_settings) for graph/throttle.
// Any error refuses the whole file before anything is written; loading twice gives the same rows.
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { loadDirectoryIndex, loadTenantKeys, type TenantIndex } from '../directoryIndex.js';
import { at, type Issue } from '../invariants.js';
import { lower } from '../../domain/naturalKeys.js';
import { prepareChanges, referencedTenants, type ChangeAt, type PreparedTenant, type TenantChange } from '../prepare.js';
import { emitPrepared } from '../tableRows.js';
import { replaceTenantsInBulk, type RowCounts } from '../../store/tenantSink.js';
import { saveThrottleBudget } from '../../store/settingsRepo.js';
import type { FaultKind } from './faults.js';
import { generatedRows } from './generate.content.js';
import { planGeneration, type GenerationPlan } from './generate.js';
import { parseScenarioText, ScenarioError } from './parse.js';
import type { Scenario, ScenarioTenant } from './schema.js';

/** What a load wrote (a type alias, so it passes as a plain Record). */
export type LoadReport = {
  name: string;
  file: string;
  tenants: { id: string; displayName: string }[];
  users: number;
  rows: RowCounts;
  items: { mailItems: number; driveItems: number; chatMessages: number; meetings: number; total: number };
  seconds: number;
  itemsPerSecond: number;
  faults: { kind: FaultKind; sourceUserPrincipalName: string; sourceId: string; targetUserPrincipalName: string; targetId: string }[];
};

export type ScenarioSource = { path: string } | { text: string; name: string };

export async function loadScenario(store: Store, clock: Clock, source: ScenarioSource): Promise<LoadReport> {
  const started = performance.now();
  const file = 'path' in source ? source.path : source.name;
  const text = 'path' in source ? await readFile(source.path, 'utf8') : source.text;
  const parsed = parseScenarioText(text, file);
  const { scenario } = parsed;
  const now = clock.iso();
  const fileTenants = new Set(scenario.tenants.map((t) => lower(t.id)));
  const batch: ChangeAt[] = scenario.tenants.map((t, i) => ({ change: toChange(t), tenantPath: `tenants[${i}]`, objectsPath: `tenants[${i}]` }));

  const index = await loadDirectoryIndex(store, { replaced: [...fileTenants] });
  await loadTenantKeys(store, index, referencedTenants(index, batch.map((b) => b.change)));
  const planned: { plan: GenerationPlan | null } = { plan: null }; // set by the hook, once the file's tenants are indexed
  const { prepared, issues } = prepareChanges(index, batch, now, {
    beforeUsers: (c) => { if (scenario.generate) planned.plan = planGeneration(scenario.generate, c, fileTenants, now); },
  });
  const gen = planned.plan;
  const scopeRef = scenario.generate?.scopeGroup;
  if (gen && scopeRef) issues.push(...resolveScopeGroup(gen, scopeRef, prepared, index.tenant(gen.source.id)));
  if (issues.length) throw new ScenarioError(issues.map((i) => ({ file, ...parsed.locate(i.path), path: i.path, message: i.message })));

  const rows = await replaceTenantsInBulk(store, [...fileTenants], function* (emit) {
    for (const p of prepared) emitPrepared(p, emit, now, () => true);
    if (gen) yield* generatedRows(gen, emit, now);
  });
  // The file's throttle budget, or none (the server's default) when it sets none: a load replaces it too.
  await saveThrottleBudget(store.db, scenario.throttling?.budget);
  return report(scenario, file, rows, gen, (performance.now() - started) / 1000);
}

function toChange(t: ScenarioTenant): TenantChange {
  const { users, groups, applications, servicePrincipals, organizationRelationships, migrationEndpoints, spoRelationships, sites, chats, meetings,
    identityMappings, spoUserMappings, spoGroupMappings, migrationFaults, ...tenant } = t;
  return {
    tenantId: t.id, tenant, users, groups, applications, servicePrincipals, organizationRelationships, migrationEndpoints, spoRelationships, sites,
    chats, meetings, identityMappings, spoUserMappings, spoGroupMappings, migrationFaults,
  };
}

function resolveScopeGroup(plan: GenerationPlan, ref: string, prepared: PreparedTenant[], source: TenantIndex | undefined): Issue[] {
  const g = source?.group(ref);
  if (!g) return [{ path: at('generate', 'scopeGroup'), message: `scope group '${ref}' is not a group of the source tenant` }];
  plan.scopeGroupId = g.id;
  const listed = prepared.find((p) => p.tenant.id === plan.source.id)?.groups.find((x) => x.record.id === g.id);
  plan.scopeListedMembers = new Set(listed?.record.members ?? []);
  return [];
}

function report(scenario: Scenario, file: string, rows: RowCounts, plan: GenerationPlan | null, seconds: number): LoadReport {
  const mailItems = rows.mail_items ?? 0;
  const driveItems = rows.drive_items ?? 0;
  const chatMessages = rows.chat_messages ?? 0;
  const meetings = rows.meetings ?? 0;
  const total = mailItems + driveItems + chatMessages;
  return {
    name: scenario.name, file, tenants: scenario.tenants.map((t) => ({ id: lower(t.id), displayName: t.displayName })), users: rows.users ?? 0, rows,
    items: { mailItems, driveItems, chatMessages, meetings, total }, seconds, itemsPerSecond: seconds > 0 ? Math.round(total / seconds) : total,
    faults: (plan?.people ?? []).flatMap((p) => [...p.faults].map((kind) => ({
      kind, sourceUserPrincipalName: p.sourceUpn, sourceId: p.sourceId, targetUserPrincipalName: p.targetUpn, targetId: p.targetId,
    }))),
  };
}
