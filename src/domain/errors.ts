// The catalogue of errors the domain, the engine and the tenant model raise: a stable kind (what
// went wrong, in the service's terms), the service's error code, its message and target. No HTTP
// here: graph/errors.ts maps each kind to a status and the Graph envelope, in one place.

/** What went wrong, independent of the protocol that reports it. */
export type DomainErrorKind =
  | 'invalid' // the request is malformed or names an unsupported value
  | 'notFound' // the addressed object does not exist (for this caller)
  | 'conflict' // the object's current state does not allow the operation
  | 'unprocessable' // well-formed, but refused by a business rule (duplicate name, past date)
  | 'notImplemented'; // xtm does not do this yet

export interface ErrorDetail { code: string; message: string; target?: string }

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** One refused field of a tenant-model change, as the invariants report it. */
export interface Issue { path: string; message: string }

const E = (kind: DomainErrorKind, code: string, message: string, target?: string, details?: ErrorDetail[]) =>
  new DomainError(kind, code, message, target, details);

export const DomainErrors = {
  // ---- request values (raised below the HTTP layer too) ------------------------------------
  badRequest: (message: string, target?: string) => E('invalid', 'BadRequest', message, target),
  invalidProperty: (prop: string, why: string) => E('invalid', 'BadRequest', `Invalid value for property '${prop}': ${why}`, prop),
  missingProperty: (prop: string) => E('invalid', 'BadRequest', `The required property '${prop}' is missing.`, prop),
  unknownProperty: (prop: string, type: string) =>
    E('invalid', 'BadRequest', `The property '${prop}' does not exist on type '${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`, prop),

  // ---- crossTenantMigrationJob ----------------------------------------------------------------
  jobNotFound: (key: string) => E('notFound', 'itemNotFound', `The crossTenantMigrationJob '${key}' was not found.`),
  taskNotFound: (jobKey: string, userId: string) =>
    E('notFound', 'itemNotFound', `Cancellation not possible as no task found for given id ${userId} in crossTenantMigrationJob '${jobKey}'.`),
  taskNotFoundGet: (userId: string) => E('notFound', 'itemNotFound', `The crossTenantMigrationTask '${userId}' was not found.`),
  duplicateDisplayName: (name: string) =>
    E('unprocessable', 'BadArgument', `displayName already exists. Please provide a unique job displayName. ('${name}')`, 'displayName', [
      { code: 'duplicateDisplayNameJob', message: `A crossTenantMigrationJob with displayName '${name}' already exists.`, target: 'displayName' },
    ]),
  completeAfterInPast: () =>
    E('unprocessable', 'BadArgument', 'completeAfterDateTime must be greater than the current time.', 'completeAfterDateTime', [
      { code: 'minThresholdFailed', message: 'completeAfterDateTime must be greater than the current time.', target: 'completeAfterDateTime' },
    ]),
  tooManyResources: (n: number, max: number) =>
    E('invalid', 'BadRequest', `Invalid value for property 'resources': ${n} resources were supplied; a crossTenantMigrationJob can contain at most ${max}.`, 'resources'),
  userInOtherBatch: (userId: string, jobName: string) =>
    E('conflict', 'Conflict', `User migration validation failed. User ${userId} is already a part of another batch ${jobName}.`, 'resources', [
      { code: 'CTM-002', message: `User ${userId} is already a part of another batch ${jobName}.`, target: 'resources' },
    ]),
  validateNotAllowed: (status: string) => E('conflict', 'Conflict', `Validation can't be started because the current status is ${status}.`),
  migrateNotAllowed: (status: string) => E('conflict', 'Conflict', `Migration can't be started because the current status is ${status}`),
  validationExpired: () =>
    E('conflict', 'Conflict', 'The validation results expired (more than seven days ago). Revalidate the job before calling migrate.'),
  approveNotAllowed: (status: string) => E('conflict', 'Conflict', `Skipped items can be approved only while the job is adminActionRequired. Current status is ${status}.`),
  cancelNotAllowed: (status: string) => E('conflict', 'Conflict', `Cancel is not possible. Current status is ${status}`),
  deleteNotAllowed: (jobId: string, status: string) =>
    E('conflict', 'Conflict', `Cross Tenant Migration Job ${jobId} must be in final state (Completed, Failed, or Cancelled) before it can be deleted. Current status is ${status}.`, undefined, [
      { code: 'resourceTypeMismatch', message: `Cross Tenant Migration Job ${jobId} must be in final state (Completed, Failed, or Cancelled) before it can be deleted.` },
    ]),
  patchOnlyCompleteAfter: (prop: string) =>
    E('invalid', 'BadRequest', `Only updates to the completeAfterDateTime are supported. The property '${prop}' can't be updated.`, prop),
  patchNotAllowed: (status: string, why: string) => E('conflict', 'Conflict', `completeAfterDateTime can't be updated: ${why} Current status is ${status}.`),
  emptyBatch: (what: string) =>
    E('conflict', 'Conflict', `${what} can't be started because the batch has no users: every user was cancelled. Create a new job for the users to move.`),
  jobChangedDuringRequest: (op: string) =>
    E('invalid', 'BadRequest', `The crossTenantMigrationJob changed while the ${op} request was processed; retry the request.`),

  // ---- SharePoint cross-organization migration tasks ------------------------------------------
  spoParameterMissing: (name: string) => E('invalid', 'BadRequest', `Cannot process the request because the required parameter ${name} is missing.`, name),
  spoTaskNotFound: (id: string) => E('notFound', 'itemNotFound', `The migration task ${id} could not be found.`),
  /** A create refused by the task's checks: the first MnA* finding as the message, every one in details. */
  spoTaskRefused: (findings: readonly ErrorDetail[]) =>
    E('unprocessable', 'unprocessableEntity', findings[0]!.message, undefined, findings.map((f) => ({ code: f.code, message: f.message }))),
  spoAdminHostAsTarget: () =>
    E('unprocessable', 'MnAFatalErrorAdminSiteCouldNotBeUsedAsMySiteHost', 'Cross-tenant moves are blocked because the TargetCrossTenantHostUrl value is incorrect.', 'targetOrganizationHost'),
  spoNoTrustForPartner: (partner: string) =>
    E('unprocessable', 'MnATrustNoSetupForPartner', `There is no Cross-Tenant relationship established for partner [${partner.toLowerCase()}] and role [Target].`),
  spoPartnersOnSameFarm: () =>
    E('notImplemented', 'MnAPartnersOnTheSameFarm', 'The cross-tenant move cannot be performed because the partners reside in the same SPO location that prevents them from migrating.'),
  spoCancelInProgress: () => E('conflict', 'conflict', "Can't process the canceled request because the task is in progress"),
  spoCancelNotAllowed: (status: string) => E('conflict', 'conflict', `Can't process the canceled request because the task is ${status}`),

  // ---- the modelled tenants (xtm admin API, tenant invariants) ----------------------------------
  adminTenantNotFound: (ref: string) => E('notFound', 'NotFound', `Tenant '${ref}' was not found.`, 'tenant'),
  adminObjectNotFound: (kind: string, ref: string, tenant: string) => E('notFound', 'NotFound', `${kind} '${ref}' was not found in tenant ${tenant}.`),
  adminConflict: (message: string, target?: string) => E('conflict', 'Conflict', message, target),
  /** One refused field, in the shape the tenant invariants use (message prefixed by the field path). */
  adminInvalid: (target: string, message: string) =>
    E('invalid', 'BadRequest', `${target}: ${message}`, target, [{ code: 'invalidValue', message, target }]),
  /** Every issue the invariants found: the first as the message, all of them in details. */
  adminIssues: (issues: readonly Issue[]) => {
    const first = issues[0];
    return E('invalid', 'BadRequest', first ? `${first.path}: ${first.message}` : 'Invalid request.', first?.path,
      issues.map((i) => ({ code: 'invalidValue', message: i.message, target: i.path })));
  },
  endpointSourceNotConsented: (appId: string, source: string) =>
    E('invalid', 'BadRequest', `applicationId: AADSTS700016: Application with identifier '${appId}' was not found in the directory '${source}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      'applicationId', [{ code: 'invalidValue', message: `the source tenant ${source} has not consented application ${appId}`, target: 'applicationId' }]),
} as const;
