// TypeBox schemas for crossTenantMigrationJob and crossTenantMigrationTask: request validation, the
// response types and their OpenAPI description come from these alone.
import { Type, type Static } from 'typebox';
import { JobStatuses, JobTypes, ServiceStatuses } from '../../domain/enums.js';
import { odataTypeSchema } from '../requestChecks.js';

const Str = Type.String();
// Response schemas avoid anyOf: fast-json-stringify picks an anyOf branch by running Ajv on every
// value of every response. A string enum is one `{type, enum}` schema and a nullable a type array.
const StringEnum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const NullableExchangeSettings = Type.Unsafe<{ sourceEndpoint: string; targetDeliveryDomain: string } | null>({
  type: ['object', 'null'], properties: { sourceEndpoint: { type: 'string' }, targetDeliveryDomain: { type: 'string' } },
});

export const JOB_TYPE = 'microsoft.graph.crossTenantMigrationJob';
export const EXCHANGE_SETTINGS_TYPE = 'microsoft.graph.exchangeOnlineCrossTenantMigrationSettings';

export const ExchangeSettingsSchema = Type.Object({
  '@odata.type': odataTypeSchema(EXCHANGE_SETTINGS_TYPE),
  sourceEndpoint: Type.String({ minLength: 1, maxLength: 256 }),
  targetDeliveryDomain: Type.String({ minLength: 1, maxLength: 256 }),
}, { additionalProperties: false });

/** POST body. Read-only properties are accepted and ignored, as Kiota models may send them. */
export const CreateJobBody = Type.Object({
  '@odata.type': odataTypeSchema(JOB_TYPE),
  displayName: Type.String({ minLength: 1, maxLength: 256 }),
  completeAfterDateTime: Type.String({ format: 'date-time' }),
  sourceTenantId: Type.String({ maxLength: 64 }),
  targetTenantId: Type.Optional(Type.String({ maxLength: 64 })),
  exchangeSettings: Type.Optional(Type.Union([ExchangeSettingsSchema, Type.Null()])),
  workloads: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 }), Type.Null()])),
  resourceType: Type.String({ maxLength: 32 }),
  resources: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100000 }),
  // read-only, ignored
  id: Type.Optional(Type.Unknown()),
  jobType: Type.Optional(Type.Unknown()),
  status: Type.Optional(Type.Unknown()),
  message: Type.Optional(Type.Unknown()),
  createdBy: Type.Optional(Type.Unknown()),
  createdDateTime: Type.Optional(Type.Unknown()),
  lastUpdatedDateTime: Type.Optional(Type.Unknown()),
  // OData control information is not data: the Kiota models keep `@odata.context` in additionalData
  // from a GET and write it back, so a re-posted entity carries it.
  '@odata.context': Type.Optional(Type.Unknown()),
  '@odata.etag': Type.Optional(Type.Unknown()),
  '@odata.id': Type.Optional(Type.Unknown()),
}, { additionalProperties: false });
export type CreateJobBody = Static<typeof CreateJobBody>;

export const JobSchema = Type.Object({
  '@odata.context': Type.Optional(Str),
  id: Type.Optional(Str),
  displayName: Type.Optional(Str),
  jobType: Type.Optional(StringEnum(JobTypes)),
  status: Type.Optional(StringEnum(JobStatuses)),
  message: Type.Optional(NullableString),
  completeAfterDateTime: Type.Optional(Str),
  targetTenantId: Type.Optional(Str),
  sourceTenantId: Type.Optional(Str),
  exchangeSettings: Type.Optional(NullableExchangeSettings),
  resources: Type.Optional(Type.Array(Str)),
  resourceType: Type.Optional(Str),
  workloads: Type.Optional(Type.Array(Str)),
  createdBy: Type.Optional(Str),
  createdDateTime: Type.Optional(Str),
  lastUpdatedDateTime: Type.Optional(Str),
});

export const JOB_PROPERTIES = [
  'id', 'displayName', 'jobType', 'status', 'message', 'completeAfterDateTime', 'targetTenantId', 'sourceTenantId',
  'exchangeSettings', 'resources', 'resourceType', 'workloads', 'createdBy', 'createdDateTime', 'lastUpdatedDateTime',
] as const;

export const ServiceStatusSchema = Type.Object({
  service: Str,
  status: StringEnum(ServiceStatuses),
  message: Str,
  errors: Type.Array(Type.Object({ code: Str, message: Str })),
});

export const TaskSchema = Type.Object({
  '@odata.context': Type.Optional(Str),
  id: Type.Optional(Str),
  taskType: Type.Optional(Str),
  lastUpdatedDateTime: Type.Optional(Str),
  currentStatus: Type.Optional(Type.Array(ServiceStatusSchema)),
});
export const TASK_PROPERTIES = ['id', 'taskType', 'lastUpdatedDateTime', 'currentStatus'] as const;

/** The job cancel's answer also names the job (id, displayName), as the cancel page's example does; the user cancel's does not. */
export const CancelResponseSchema = Type.Object({ '@odata.context': Str, id: Type.Optional(Str), displayName: Type.Optional(Str), status: Str, message: Str });

export const collectionOf = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({
    '@odata.context': Str,
    '@odata.count': Type.Optional(Type.Integer()),
    '@odata.nextLink': Type.Optional(Str),
    value: Type.Array(item),
  });

export const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 1024 }) });
export const UserParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 1024 }), userId: Type.String({ minLength: 1, maxLength: 256 }) });

/** PATCH: only completeAfterDateTime may change; the read-only properties are named (not "unknown") by the handler's rule. */
export const PatchJobBody = Type.Object({
  '@odata.type': odataTypeSchema(JOB_TYPE),
  '@odata.context': Type.Optional(Type.Unknown()),
  '@odata.etag': Type.Optional(Type.Unknown()),
  '@odata.id': Type.Optional(Type.Unknown()),
  // Optional here: "missing" is reported after the read-only properties (the handler's rule); a wrong type reads as a bad date.
  completeAfterDateTime: Type.Optional(Type.String({ format: 'date-time', 'x-typeErrorIsDateTime': true })),
  ...Object.fromEntries(JOB_PROPERTIES.filter((p) => p !== 'completeAfterDateTime').map((p) => [p, Type.Optional(Type.Unknown())])),
}, { additionalProperties: false });
