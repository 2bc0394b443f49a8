// The scenario file format: tenants with their objects (the admin API object schemas), plus an
// optional `generate` block for bulk content and per-user faults. Published as
// scenarios/scenario.schema.json by scripts/gen-scenario-schema.ts.
import { Type, type Static } from 'typebox';
import { ApplicationInput, ChatInput, DateTime, DomainName, GroupInput, Guid, IdentityMappingInput, MeetingInput, MigrationEndpointInput, Obj, Opt, OrganizationRelationshipInput, Ref, ServicePrincipalInput, SiteInput, SpoGroupMappingInput, SpoRelationshipInput, SpoUserMappingInput, TenantInput, Text, Upn, UserInput } from '../inputSchemas.js';
import { FAULT_KINDS, FAULTS } from './faults.js';
import { MigrationFaultInput } from '../inputSchemas.faults.js';
import { ThrottlingInput } from '../inputSchemas.throttling.js';

export const SCENARIO_SCHEMA_ID = 'https://xtm.dev/schemas/scenario.schema.json';

const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, description: string) => Opt(Type.Array(item, { description }));
const Count = (description: string) => Opt(Type.Integer({ minimum: 0, maximum: 1_000_000, description }));

export const ScenarioTenant = Type.Object({
  ...TenantInput.properties,
  users: list(UserInput, 'Users, each with an optional mailbox or mailUser.'),
  groups: list(GroupInput, 'Groups and their direct members.'),
  applications: list(ApplicationInput, 'App registrations owned by this tenant.'),
  servicePrincipals: list(ServicePrincipalInput, 'Apps consented in this tenant (enterprise applications).'),
  organizationRelationships: list(OrganizationRelationshipInput, 'Exchange organization relationships.'),
  migrationEndpoints: list(MigrationEndpointInput, 'Exchange migration endpoints.'),
  spoRelationships: list(SpoRelationshipInput, 'SharePoint cross-tenant relationships.'),
  sites: list(SiteInput, 'SharePoint sites and OneDrives with their files.'),
  chats: list(ChatInput, 'Teams chats with members and messages.'),
  meetings: list(MeetingInput, 'Teams meetings organized by users of this tenant.'),
  identityMappings: list(IdentityMappingInput, 'CTIM identities held by this (target) tenant.'),
  spoUserMappings: list(SpoUserMappingInput, 'SharePoint identity map, user rows, held by this (target) tenant.'),
  spoGroupMappings: list(SpoGroupMappingInput, 'SharePoint identity map, group rows, held by this (target) tenant.'),
  migrationFaults: list(MigrationFaultInput, 'Migration faults to rehearse for users of this (source) tenant, per workload.'),
}, { additionalProperties: false, description: 'A tenant and every object in it.' });

export const FaultKindSchema = Type.Enum(FAULT_KINDS, { description: 'A deliberate misconfiguration (see docs/scenarios.md).' });

export const GeneratePair = Obj({
  sourceUserPrincipalName: Upn('Source UPN (its domain must be a verified domain of the source tenant).'),
  targetUserPrincipalName: Opt(Upn('Target UPN; default <source alias>@<targetDomain>.')),
  sourceId: Opt(Guid('Fixed source object id; default derived from seed and UPN.')),
  targetId: Opt(Guid('Fixed target object id; default derived from seed and UPN.')),
  displayName: Opt(Text('Display name; default from the alias.')),
  faults: Opt(Type.Array(FaultKindSchema, { description: 'Faults of this user (default none).' })),
}, 'A named user generated with the same attributes and content as the numbered ones.');

export const GenerateFaultCounts = Type.Object(
  Object.fromEntries(FAULT_KINDS.map((k) => [k, Count(FAULTS[k])])) as Record<(typeof FAULT_KINDS)[number], ReturnType<typeof Count>>,
  { additionalProperties: false, description: 'How many numbered users get each fault (one fault per user, chosen by the seed).' },
);

export const Generate = Obj({
  source: Ref('Source tenant of the migration: the id or a domain of a tenant in this file.'),
  target: Ref('Target tenant: the id or a domain of a tenant in this file.'),
  seed: Type.Integer({ description: 'Seed: the same seed gives the same ids and content.' }),
  users: Count('Numbered users to generate (source mailbox + target MailUser + mappings + content).'),
  mailItemsPerUser: Count('Mailbox items per user (mail, calendar, contacts, tasks, recoverable items); default 20.'),
  filesPerUser: Count('OneDrive files per user; default 10.'),
  chatsPerUser: Count('Chats created by each user (1:1 and group); default 2.'),
  chatMessagesPerUser: Count('Chat messages per user, spread over the chats the user created; default 10 per chat.'),
  meetingsPerUser: Count('Meetings organized by each user; default 1.'),
  sourceDomain: Opt(DomainName('UPN domain of generated source users; default the source default domain.')),
  targetDomain: Opt(DomainName('UPN domain of generated target users; default the target default domain.')),
  scopeGroup: Opt(Ref('Source group (id, name or mailNickname) the generated users join: the migration scope.')),
  anchorDateTime: Opt(DateTime('Content dates lie before this time; default the load time.')),
  faults: Opt(GenerateFaultCounts),
  pairs: Opt(Type.Array(GeneratePair, { description: 'Named users (e.g. one per fault) with fixed ids.' })),
}, 'Generated users and content for one source -> target migration.');

export const Scenario = Type.Object({
  $schema: Opt(Type.String({ description: 'Editor hint: the JSON Schema of this file.' })),
  name: Text('Scenario name.'),
  description: Opt(Type.String({ description: 'What the scenario shows.' })),
  tenants: Type.Array(ScenarioTenant, { minItems: 1, description: 'Tenants; loading replaces every row of each tenant listed.' }),
  generate: Opt(Generate),
  throttling: Opt(ThrottlingInput),
}, {
  $id: SCENARIO_SCHEMA_ID,
  title: 'xtm scenario',
  description: 'Tenants, users, groups, configuration and content for the xtm cross-tenant migration emulator.',
  additionalProperties: false,
});

export type ScenarioTenant = Static<typeof ScenarioTenant>;
export type GeneratePair = Static<typeof GeneratePair>;
export type Generate = Static<typeof Generate>;
export type Scenario = Static<typeof Scenario>;

/** The published JSON Schema text (scenarios/scenario.schema.json), generated from the TypeBox schema. */
export function scenarioJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...Scenario }, null, 2)}\n`;
}
