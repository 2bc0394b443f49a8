// One way to answer a Graph collection request: OData options → the repository's list source →
// page of entities with @odata.context, optional @odata.count, and an absolute @odata.nextLink on
// the request's origin. The SQL is built in the store (store/listQuery.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ListSource } from '../store/listQuery.js';
import { buildNextLink, contextSuffixForSelect, nextSkipToken, takePage, applySelect } from './odata/paging.js';
import { listQueryOf, parseCollectionQuery, type CollectionOptions, type CollectionQuery, type RawQuery } from './odata/query.js';
import { graphVersion, metadataContext, requestOrigin, sendOData } from './odataResponse.js';

export interface CollectionSpec<Row, Out> {
  options: CollectionOptions;
  /** e.g. "solutions/migrations/crossTenantMigrationJobs" (the $select list is appended). */
  contextPath: string;
  /** The repository's rows of this collection (already scoped to the caller). */
  source: ListSource<Row>;
  toEntity: (row: Row) => Out;
  /**
   * Optional: the same rows rendered as their wire JSON by the database (`doc`, plus the sort columns),
   * used when the whole entity is asked for (no $select): the page is then joined, not serialized.
   */
  docs?: ListSource<{ doc: string }>;
  /**
   * Optional: a row's value for an ORDER BY column (a FieldSpec column or the keyColumn), used to
   * build the keyset `$skiptoken` of the next page. Default: `row[column]`, or for a qualified
   * column ('u.display_name') the bare name when the row has no key 'u.display_name'. Return
   * undefined when the row does not carry it: the nextLink then falls back to an offset.
   */
  sortValue?: (row: Row, column: string) => unknown;
  /**
   * Optional: the collection's canonical path (`…crossTenantMigrationJobs('<id>')/users`): the nextLink uses it
   * whatever key the request addressed the parent by (a display name), as Graph's links do.
   */
  canonicalPath?: string;
}

export async function sendCollection<Row, Out extends Record<string, unknown>>(req: FastifyRequest, reply: FastifyReply, spec: CollectionSpec<Row, Out>) {
  const query = parseCollectionQuery(req.query as RawQuery, spec.options);
  if (spec.docs && !query.select) return sendDocs(req, reply, spec, spec.docs, query);
  const rows = await spec.source.page(listQueryOf(query));
  const page = takePage(rows, query);
  const body: Record<string, unknown> = { '@odata.context': metadataContext(req, spec.contextPath + contextSuffixForSelect(query.select)) };
  if (query.count) body['@odata.count'] = await spec.source.count(query.resolvedFilter);
  body.value = page.items.map((r) => applySelect(spec.toEntity(r), query.select));
  const next = nextLinkOf(req, query, page, spec.options, spec.sortValue, spec.canonicalPath);
  if (next !== undefined) body['@odata.nextLink'] = next;
  return sendOData(reply, 200, body);
}

/** Keyset continuation from the last row returned (see paging.ts): stable under inserts/deletes. */
function nextLinkOf<R>(req: FastifyRequest, query: CollectionQuery, page: { items: R[]; nextOffset?: number }, options: CollectionOptions, sortValue?: (row: R, column: string) => unknown, canonicalPath?: string): string | undefined {
  if (page.nextOffset === undefined) return undefined;
  const token = nextSkipToken(query, page.items[page.items.length - 1]!, options.fields, sortValue);
  const url = new URL(req.url, requestOrigin(req));
  if (canonicalPath) url.pathname = `/${graphVersion(req)}/${canonicalPath}`;
  return buildNextLink(url, token);
}

/** The page as the database rendered it: the same body as sendCollection's, joined from strings. */
async function sendDocs<Row, Out>(req: FastifyRequest, reply: FastifyReply, spec: CollectionSpec<Row, Out>, docs: ListSource<{ doc: string }>, query: CollectionQuery) {
  const rows = await docs.page(listQueryOf(query));
  const page = takePage(rows, query);
  let body = `{"@odata.context":${JSON.stringify(metadataContext(req, spec.contextPath))}`;
  if (query.count) body += `,"@odata.count":${await spec.source.count(query.resolvedFilter)}`;
  body += `,"value":[${page.items.map((r) => r.doc).join(',')}]`;
  const next = nextLinkOf(req, query, page, spec.options, spec.sortValue as ((row: { doc: string }, column: string) => unknown) | undefined, spec.canonicalPath);
  if (next !== undefined) body += `,"@odata.nextLink":${JSON.stringify(next)}`;
  return sendOData(reply, 200, `${body}}`);
}

/** `…/$count`: a bare integer as text/plain; honours $filter. */
export async function sendCount<Row, Out>(req: FastifyRequest, reply: FastifyReply, spec: CollectionSpec<Row, Out>) {
  const q = { ...(req.query as RawQuery) };
  const query = parseCollectionQuery(q, spec.options);
  const n = await spec.source.count(query.resolvedFilter);
  return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(String(n));
}
