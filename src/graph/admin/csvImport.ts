// The identity-map CSV upload read as a stream: line by line into the parser, so a map of a million rows
// (≈120 MB) is never held as one string, and the 1 MB JSON body limit does not apply to it. The stream
// is capped at CSV_BODY_LIMIT (413 past it).
import type { IncomingMessage } from 'node:http';
import { IdentityMapCsvError, IdentityMapCsvParser, type SpoGroupMapping, type SpoUserMapping } from '../../domain/spoIdentityMap.js';
import { Errors } from '../errors.js';
import { drainRequestBody } from '../clientErrors.js';

export const CSV_BODY_LIMIT = 512 * 1024 * 1024;

/** The whole map of a text/csv body, or the Graph error naming every bad row and column (nothing is returned partly). */
export async function readIdentityMapCsv(stream: IncomingMessage, limit = CSV_BODY_LIMIT): Promise<{ users: SpoUserMapping[]; groups: SpoGroupMapping[] }> {
  const parser = new IdentityMapCsvParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let bytes = 0;
  let lines = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limit) {
        await drainRequestBody(stream);
        throw Errors.payloadTooLarge(limit);
      }
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split(/\r?\n/);
      rest = parts.pop()!;
      for (const line of parts) parser.push(line);
      lines += parts.length;
    }
    rest += decoder.decode();
  } catch (e) {
    if (e instanceof TypeError) throw asGraph(new IdentityMapCsvError([{ row: lines + 1, message: 'the file is not valid UTF-8 text' }]));
    throw e;
  }
  if (rest !== '') parser.push(rest);
  try {
    return parser.result();
  } catch (e) {
    throw e instanceof IdentityMapCsvError ? asGraph(e) : e;
  }
}

export const asGraph = (e: IdentityMapCsvError) => Errors.identityMapNotImported(e.message, e.issues);
