// Paging of xtm.progress: `$top` (1–999) and `$skip` page the users in resource order, so a console can
// show a 2,000-user job's grid a page at a time instead of reading the whole 2.8 MB document.
import type { FastifyRequest } from 'fastify';
import { Errors } from '../errors.js';
import { requestOrigin } from '../odataResponse.js';
import type { RawQuery } from '../odata/query.js';

export interface ProgressPage { skip: number; top: number }

function intOption(query: RawQuery, name: string, min: number, max: number): number | undefined {
  const raw = Object.entries(query).find(([k]) => k.toLowerCase() === name)?.[1];
  if (raw === undefined) return undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || !/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw Errors.badRequest(`Invalid value '${v}' for ${name}: an integer from ${min} to ${max} is expected.`, name);
  return Number(v);
}

/** undefined when neither option is given (the whole document, as before). */
export function progressPage(query: RawQuery): ProgressPage | undefined {
  const top = intOption(query, '$top', 1, 999);
  const skip = intOption(query, '$skip', 0, 999_999_999);
  return top === undefined && skip === undefined ? undefined : { skip: skip ?? 0, top: top ?? 100 };
}

export function nextPageLink(req: FastifyRequest, page: ProgressPage): string {
  const url = new URL(req.url, requestOrigin(req));
  url.searchParams.set('$top', String(page.top));
  url.searchParams.set('$skip', String(page.skip + page.top));
  return url.toString();
}
