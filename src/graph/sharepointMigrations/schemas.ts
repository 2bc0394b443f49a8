// Route schemas of /solutions/sharePoint/migrations: the create body's shape (types of every field, for
// validation and OpenAPI) and the delta payload of the mapping PATCH. Which fields a task type requires
// and its messages ("the required parameter … is missing") are the domain rule domain/spoTaskParameters.ts;
// the one-to-one map and the per-element messages (value[i].…) are mappingDelta.ts.
import { Type } from 'typebox';
import { PathParams } from '../routeSchemas.js';

const Str = Type.String();
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
const UserIdentity = Type.Object({ '@odata.type': Type.Optional(Str), id: Type.Optional(Str), userPrincipalName: Type.Optional(Str), displayName: Type.Optional(Str) });
const GroupIdentity = Type.Object({ '@odata.type': Type.Optional(Str), id: Type.Optional(Str), mailNickname: Type.Optional(Str), displayName: Type.Optional(Str) });

/** sharePointMigrationTaskParameters and its three derived types, told apart by `@odata.type`. */
export const TaskParameters = Type.Object({
  '@odata.type': Type.Optional(Type.String({ description: '#microsoft.graph.sharePointUserMigrationTaskParameters, …SiteMigrationTaskParameters or …GroupMigrationTaskParameters' })),
  targetOrganizationId: Type.Optional(Nullable(Str)),
  targetOrganizationHost: Type.Optional(Nullable(Str)),
  targetDataLocationCode: Type.Optional(Nullable(Str)),
  preferredStartDateTime: Type.Optional(Nullable(Str)),
  preferredLatestStartDateTime: Type.Optional(Nullable(Str)),
  validateOnly: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  sourceSiteUrl: Type.Optional(Nullable(Str)),
  targetSiteUrl: Type.Optional(Nullable(Str)),
  sourceUserIdentity: Type.Optional(UserIdentity),
  targetUserIdentity: Type.Optional(UserIdentity),
  sourceGroupIdentity: Type.Optional(GroupIdentity),
  targetGroupIdentity: Type.Optional(GroupIdentity),
});
export const CreateTaskBody = Type.Object({ '@odata.type': Type.Optional(Str), parameters: Type.Optional(TaskParameters) });

/** `{"@context":"#$delta","value":[…]}`: at most 50 elements; `@removed` deletes one. */
export const DeltaBody = Type.Object({
  '@context': Type.Optional(Str),
  '@odata.context': Type.Optional(Str),
  value: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
});

export const KeyParams = PathParams('key');
