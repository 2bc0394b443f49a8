// The one catalogue of Graph errors xtm emits. Domain and engine code throw GraphError; only the
// HTTP error handler (graph/app.ts) turns it into the wire envelope with innerError.

export interface ErrorDetail { code: string; message: string; target?: string }

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
    readonly target?: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

const E = (status: number, code: string, message: string, details?: ErrorDetail[], target?: string) =>
  new GraphError(status, code, message, details, undefined, target);

export const Errors = {
  // ---- generic request errors --------------------------------------------------------------
  badRequest: (message: string, target?: string) => E(400, 'BadRequest', message, undefined, target),
  invalidRequest: (message: string, target?: string) => E(400, 'invalidRequest', message, undefined, target),
  invalidJson: () =>
    E(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'),
  unknownProperty: (prop: string, type: string) =>
    E(400, 'BadRequest', `The property '${prop}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`, undefined, prop),
  invalidProperty: (prop: string, why: string) => E(400, 'BadRequest', `Invalid value for property '${prop}': ${why}`, undefined, prop),
  missingProperty: (prop: string) => E(400, 'BadRequest', `The required property '${prop}' is missing.`, undefined, prop),
  payloadTooLarge: (limit: number) => E(413, 'RequestEntityTooLarge', `The request body exceeds the maximum allowed size of ${limit} bytes.`),
  unsupportedMediaType: (ct: string) =>
    E(415, 'UnsupportedMediaType', `Content-Type '${ct}' is not supported. Use 'application/json'.`),
  notFoundPath: (method: string, path: string) =>
    E(404, 'NotFound', `Resource not found for the segment '${lastSegment(path)}'. (${method} ${path})`),
  methodNotAllowed: (method: string, path: string) =>
    E(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported on '${path}'.`),
  notImplemented: (what: string) => E(501, 'NotImplemented', what),
  internal: () => E(500, 'generalException', 'An internal server error occurred. The request-id identifies it in the server log.'),

  // ---- authentication / authorization --------------------------------------------------------
  tokenMissing: () => E(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  tokenInvalid: (why: string) => E(401, 'InvalidAuthenticationToken', why),
  tokenExpired: () => E(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  forbidden: (message = 'Insufficient privileges to complete the operation.') => E(403, 'Authorization_RequestDenied', message),

  // ---- crossTenantMigrationJob ----------------------------------------------------------------
  jobNotFound: (key: string) => E(404, 'itemNotFound', `The crossTenantMigrationJob '${key}' was not found.`),
  taskNotFound: (jobKey: string, userId: string) =>
    E(404, 'itemNotFound', `Cancellation not possible as no task found for given id ${userId} in crossTenantMigrationJob '${jobKey}'.`),
  taskNotFoundGet: (userId: string) => E(404, 'itemNotFound', `The crossTenantMigrationTask '${userId}' was not found.`),
  duplicateDisplayName: (name: string) =>
    E(422, 'BadArgument', `displayName already exists. Please provide a unique job displayName. ('${name}')`, [
      { code: 'duplicateDisplayNameJob', message: `A crossTenantMigrationJob with displayName '${name}' already exists.`, target: 'displayName' },
    ], 'displayName'),
  completeAfterInPast: () =>
    E(422, 'BadArgument', 'completeAfterDateTime must be greater than the current time.', [
      { code: 'minThresholdFailed', message: 'completeAfterDateTime must be greater than the current time.', target: 'completeAfterDateTime' },
    ], 'completeAfterDateTime'),
  tooManyResources: (n: number, max: number) =>
    E(400, 'BadRequest', `Invalid value for property 'resources': ${n} resources were supplied; a crossTenantMigrationJob can contain at most ${max}.`, undefined, 'resources'),
  userInOtherBatch: (userId: string, jobName: string) =>
    E(409, 'Conflict', `User migration validation failed. User ${userId} is already a part of another batch ${jobName}.`, [
      { code: 'CTM-002', message: `User ${userId} is already a part of another batch ${jobName}.`, target: 'resources' },
    ], 'resources'),
  validateNotAllowed: (status: string) => E(409, 'Conflict', `Validation can't be started because the current status is ${status}.`),
  migrateNotAllowed: (status: string) => E(409, 'Conflict', `Migration can't be started because the current status is ${status}`),
  validationExpired: () =>
    E(409, 'Conflict', 'The validation results expired (more than seven days ago). Revalidate the job before calling migrate.'),
  cancelNotAllowed: (status: string) => E(409, 'Conflict', `Cancel is not possible. Current status is ${status}`),
  deleteNotAllowed: (jobId: string, status: string) =>
    E(409, 'Conflict', `Cross Tenant Migration Job ${jobId} must be in final state (Completed, Failed, or Cancelled) before it can be deleted. Current status is ${status}.`, [
      { code: 'resourceTypeMismatch', message: `Cross Tenant Migration Job ${jobId} must be in final state (Completed, Failed, or Cancelled) before it can be deleted.` },
    ]),
  patchOnlyCompleteAfter: (prop: string) =>
    E(400, 'BadRequest', `Only updates to the completeAfterDateTime are supported. The property '${prop}' can't be updated.`, undefined, prop),
  patchNotAllowed: (status: string, why: string) => E(409, 'Conflict', `completeAfterDateTime can't be updated: ${why} Current status is ${status}.`),
  // ---- directory / workload reads (graph/directory) ----------------------------------------------
  // Each workload answers "not found" in its own words, as the real services do.
  resourceNotFound: (id: string) =>
    E(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  invalidMailboxUser: (id: string) => E(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`),
  mailboxNotEnabled: () => E(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.'),
  mailItemNotFound: () => E(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  mySiteNotFound: () => E(404, 'ResourceNotFound', "User's mysite not found."),
  driveNotFound: () => E(404, 'itemNotFound', 'The drive could not be found.'),
  driveItemNotFound: () => E(404, 'itemNotFound', 'Item not found'),
  siteNotFound: () => E(404, 'itemNotFound', 'Requested site could not be found'),
  chatNotFound: (id: string) => E(404, 'NotFound', `No chat was found with the id '${id}'.`),
  chatMessageNotFound: () => E(404, 'NotFound', 'The chat message was not found.'),

  // ---- xtm admin API (/xtm/admin, graph/admin) --------------------------------------------------
  adminTenantNotFound: (ref: string) => E(404, 'NotFound', `Tenant '${ref}' was not found.`, undefined, 'tenant'),
  adminObjectNotFound: (kind: string, ref: string, tenant: string) => E(404, 'NotFound', `${kind} '${ref}' was not found in tenant ${tenant}.`),
  adminConflict: (message: string, target?: string) => E(409, 'Conflict', message, undefined, target),
  /** One refused field, in the shape the tenant invariants use (message prefixed by the field path). */
  adminInvalid: (target: string, message: string) =>
    E(400, 'BadRequest', `${target}: ${message}`, [{ code: 'invalidValue', message, target }], target),
  endpointSourceNotConsented: (appId: string, source: string) =>
    E(400, 'BadRequest', `applicationId: AADSTS700016: Application with identifier '${appId}' was not found in the directory '${source}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      [{ code: 'invalidValue', message: `the source tenant ${source} has not consented application ${appId}`, target: 'applicationId' }], 'applicationId'),

  migrateNotImplemented: () =>
    E(501, 'NotImplemented', 'Migration is not available in this version of xtm: the migration engine has not been built yet. validate, cancel and delete are supported.'),
} as const;

function lastSegment(path: string): string {
  const clean = path.split('?')[0] ?? path;
  const parts = clean.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

/** Graph's innerError date: UTC, no fraction, no offset. */
export function graphErrorDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}
