// The Graph error envelope's catalogue. Errors of the domain, engine and tenant model are raised as
// DomainError (src/domain/errors.ts) and mapped here, in one place, to a status; the wire-only
// errors (URL, media type, auth, workload reads) are GraphErrors from the start. Only the HTTP error
// handler (graph/app.ts) turns either into the envelope with innerError.
import { DomainError, DomainErrors, type DomainErrorKind, type ErrorDetail } from '../domain/errors.js';

export type { ErrorDetail };

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

/** The HTTP status of each domain error kind. */
const STATUS: Readonly<Record<DomainErrorKind, number>> = {
  invalid: 400,
  notFound: 404,
  conflict: 409,
  unprocessable: 422,
  notImplemented: 501,
};

/** A domain error as the Graph error it is reported as: same code, message, target and details. */
export function fromDomainError(e: DomainError): GraphError {
  return new GraphError(STATUS[e.kind], e.code, e.message, e.details, undefined, e.target);
}

type AsGraph<C> = { readonly [K in keyof C]: C[K] extends (...args: infer A) => DomainError ? (...args: A) => GraphError : never };

/** The domain catalogue with each factory returning its Graph error, for code that is already in graph/. */
function asGraph<C extends Record<string, (...args: never[]) => DomainError>>(catalogue: C): AsGraph<C> {
  const out: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(catalogue)) out[name] = (...args: never[]) => fromDomainError(make(...args));
  return out as AsGraph<C>;
}

const E = (status: number, code: string, message: string, details?: ErrorDetail[], target?: string) =>
  new GraphError(status, code, message, details, undefined, target);

export const Errors = {
  // the job, task and tenant-model errors of the domain catalogue
  ...asGraph(DomainErrors),

  // ---- generic request errors --------------------------------------------------------------
  invalidRequest: (message: string, target?: string) => E(400, 'invalidRequest', message, undefined, target),
  invalidJson: () =>
    E(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'),
  payloadTooLarge: (limit: number) => E(413, 'RequestEntityTooLarge', `The request body exceeds the maximum allowed size of ${limit} bytes.`),
  unsupportedMediaType: (ct: string) =>
    E(415, 'UnsupportedMediaType', `Content-Type '${ct}' is not supported. Use 'application/json'.`),
  notFoundPath: (method: string, path: string) =>
    E(404, 'NotFound', `Resource not found for the segment '${lastSegment(path)}'. (${method} ${path})`),
  /** A Graph URL naming nothing in the model: Graph's OData layer answers 400, naming the first segment it could not resolve. */
  segmentNotFound: (segment: string) => E(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  methodNotAllowed: (method: string, path: string) =>
    E(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported on '${path}'.`),
  notImplemented: (what: string) => E(501, 'NotImplemented', what),
  internal: () => E(500, 'generalException', 'An internal server error occurred. The request-id identifies it in the server log.'),

  // ---- authentication / authorization --------------------------------------------------------
  tokenMissing: () => E(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  tokenInvalid: (why: string) => E(401, 'InvalidAuthenticationToken', why),
  tokenExpired: () => E(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  forbidden: (message = 'Insufficient privileges to complete the operation.') => E(403, 'Authorization_RequestDenied', message),

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

  // ---- content writes (graph/directory: mail, chats, drives, upload sessions, delta) ---------------
  folderExists: () => E(409, 'ErrorFolderExists', 'A folder with the specified name already exists.'),
  /** OData's text for a value that is not base64 (Edm.Binary), as Graph answers a bad contentBytes. */
  notBinary: (target: string) => E(400, 'RequestBodyRead', `Cannot convert the literal in '${target}' to the expected type 'Edm.Binary'.`, undefined, target),
  /** xtm keeps file attachments only; an item or reference attachment is refused, never dropped silently. */
  attachmentTypeNotSupported: (type: string, target: string) =>
    E(400, 'invalidRequest', `xtm stores file attachments ('#microsoft.graph.fileAttachment') only; '${type}' is not supported.`, undefined, target),
  chatReadOnlyMigrated: () => E(403, 'Forbidden', 'The chat was migrated to another tenant and is read-only.'),
  driveItemNameExists: () => E(409, 'nameAlreadyExists', 'The specified item name already exists.'),
  siteReadOnly: () => E(423, 'notAllowed', 'The site is read-only: its content moved, or it is locked for a migration.'),
  simpleUploadTooLarge: (max: number) => E(413, 'maxFileSizeExceeded', `A simple upload is limited to ${max} bytes; use an upload session (createUploadSession) for larger files.`),
  contentLengthRequired: () => E(411, 'invalidRequest', 'The Content-Length header is required.'),
  uploadSessionNotFound: () => E(404, 'itemNotFound', 'The upload session was not found or has expired.'),
  contentRangeInvalid: () => E(400, 'invalidRequest', 'The Content-Range header must be "bytes start-end/total" and match Content-Length.'),
  fragmentTooLarge: (max: number) => E(413, 'invalidRequest', `A fragment is limited to ${max} bytes.`),
  uploadSessionSize: (total: number) => E(400, 'invalidRequest', `The file size of this session is ${total} bytes.`),
  fragmentOutOfOrder: (next: number) => E(416, 'invalidRange', `Fragments must be uploaded in order; the next expected range is ${next}-.`),
  fragmentUploadedFirst: () => E(409, 'resourceModified', 'Another request uploaded this range first.'),
  /** A delta token older than the retained change history: a drive asks for a resync, the other collections for a new sync. */
  driveResyncRequired: () =>
    E(410, 'resyncRequired', 'Resync required. Replace any local items with the server\'s version (including deletes) if you\'re sure that the service was up to date with your local changes when you last sync\'d. Upload any local changes that the server doesn\'t know about.'),
  syncStateNotFound: () => E(410, 'syncStateNotFound', 'The sync state could not be found: the delta token is older than the retained change history. Start a new sync without a token.'),

  // ---- throttling and rehearsed service faults (graph/throttle), each with its Retry-After -------------
  throttled: (retryAfter: number) =>
    new GraphError(429, 'TooManyRequests', 'Too many requests. The application is throttled: retry after the number of seconds in the Retry-After header.', undefined, { 'retry-after': String(retryAfter) }),
  serviceNotAvailable: (retryAfter: number) =>
    new GraphError(503, 'serviceNotAvailable', 'The service is temporarily unavailable. Retry after the number of seconds in the Retry-After header.', undefined, { 'retry-after': String(retryAfter) }),
  gatewayTimeout: (retryAfter: number) =>
    new GraphError(504, 'gatewayTimeout', 'The gateway timed out waiting for the service.', undefined, { 'retry-after': String(retryAfter) }),

  // ---- HTTP framework answers (graph/app.ts) -----------------------------------------------------
  methodNotAllowedOn: (method: string, path: string, allow: string) =>
    new GraphError(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported on '${path}'.`, undefined, { allow }),
  concurrentCreate: () => E(409, 'Conflict', 'The object already exists: a concurrent request created it first.'),
  uriTooLong: () => E(414, 'RequestUriTooLong', 'The request URL or one of its segments is too long.'),
  /** Any other 4xx Fastify raises, with its own message. */
  framework: (status: number, message: string) => E(status, 'BadRequest', message),

  // ---- SharePoint migrations (graph/sharepointMigrations) ----------------------------------------
  spoTaskNotFoundBySource: (param: string, value: string) => E(404, 'itemNotFound', `No migration task was found for ${param} '${value}'.`),
  userMappingNotFound: (key: string) => E(404, 'itemNotFound', `The sharePointUserIdentityMapping '${key}' was not found.`),
  groupMappingNotFound: (key: string) => E(404, 'itemNotFound', `The sharePointGroupIdentityMapping '${key}' was not found.`),
  /** 409: a target already mapped from another source (the map is one-to-one); nothing was written. */
  identityMapOneToOne: (conflicts: readonly { index: number; target: string; mappedFrom: string }[]) => {
    const first = conflicts[0]!;
    return E(409, 'conflict', `value[${first.index}]: the target identity '${first.target}' is already mapped from '${first.mappedFrom}'; the identity map is one-to-one.`,
      conflicts.map((c) => ({ code: 'identityAlreadyMapped', message: `'${c.target}' is already mapped from '${c.mappedFrom}'.`, target: `value[${c.index}]` })));
  },

  // ---- the xtm admin API (graph/admin) -------------------------------------------------------------
  adminKeyRequired: (why: string, keyFile: string) =>
    new GraphError(401, 'Unauthorized', `${why} The xtm admin API needs the admin key: send 'Authorization: Bearer <key>' with the key from the file ${keyFile} in the server's data directory.`, undefined, { 'www-authenticate': 'Bearer realm="xtm-admin"' }),
  /** The identity-map CSV was refused: every problem with its row (and column) in details. */
  identityMapNotImported: (summary: string, issues: readonly { row: number; column?: number; message: string }[]) =>
    E(400, 'BadRequest', `The identity map was not imported: ${summary}`, issues.map((i) => ({ code: 'invalidValue', message: i.message, target: `row ${i.row}${i.column ? `, column ${i.column}` : ''}` }))),
  identityMapBody: () => E(400, 'BadRequest', 'Send the identity map as text/csv (6 columns, no header), or as JSON {"csv": "..."}.'),
  siteUrlRequired: () => E(400, 'BadRequest', 'url: the site URL to resolve is required.', undefined, 'url'),
  siteUrlNotFound: (url: string) => E(404, 'NotFound', `No site is at ${url} in any tenant.`),
  adminSpoTaskNotFound: (id: string) => E(404, 'NotFound', `The migration task ${id} could not be found.`),
  /** --no-admin-auth serves loopback Host names only (DNS rebinding). */
  hostRefused: (host: string) =>
    E(403, 'Forbidden', `xtm runs without its admin key (--no-admin-auth) and serves loopback names only (localhost, 127.0.0.1, [::1]); the Host '${host.slice(0, 100)}' is refused.`),

  // ---- the web console's files (graph/console.ts) ---------------------------------------------------
  consoleNotBuilt: () => E(404, 'itemNotFound', "The web console is not built in this installation: run 'npm run build:console' (npm install runs it) and restart."),
  consoleFileNotFound: (name: string) => E(404, 'itemNotFound', `The console has no file '${name}'.`),
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
