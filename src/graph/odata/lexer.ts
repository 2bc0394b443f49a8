/**
 * Lazy tokenizer for `$filter` (see filter.ts). Literals are decoded here:
 * quoted strings ('' escapes), integers, unquoted DateTimeOffset and GUID.
 * Unsupported lexical constructs ($it, @alias, "double quotes", decimals,
 * Edm.Date) fail with a message naming them.
 */
import { findControlCharacter } from '../strictJson.js';
import { ODataQueryError } from './errors.js';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  /** `text` is the literal as written, for error messages. */
  | { kind: 'datetime'; value: Date; text: string }
  /** Unquoted GUID, lower-cased. */
  | { kind: 'guid'; value: string };

export type TokenKind = 'ident' | 'string' | 'int' | 'datetime' | 'guid' | '(' | ')' | ',' | '/' | 'eof';
/** `lit` is set exactly for literal tokens (string, int, datetime, guid). */
export interface Token { kind: TokenKind; pos: number; text: string; lit?: Literal }

const GUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9_])/iy;
const DATETIME_RE =
  /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(Z|[+-]\d{2}:\d{2})(?![A-Za-z0-9_])/iy;
const DATEISH_RE = /\d{4}-\d{2}-\d{2}[T0-9:.+\-]*/iy;
const INT_RE = /-?\d+/y;
const NUMBERISH_RE = /-?[0-9][0-9A-Za-z_.]*/y;
const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/y;

function stickyMatch(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

export function syntaxError(pos: number, detail: string): ODataQueryError {
  return new ODataQueryError(`Syntax error at position ${pos} in $filter: ${detail}`, '$filter');
}

export function filterError(detail: string): ODataQueryError {
  return new ODataQueryError(`Invalid $filter: ${detail}`, '$filter');
}

/** Builds a UTC Date from validated components, or null if they are out of range. */
function toDate(m: RegExpExecArray): Date | null {
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const zone = (m[8] ?? 'Z').toUpperCase();
  if ([y, mo, d, h, mi].some((n) => n === undefined || Number.isNaN(n))) return null;
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s > 59) return null;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(y!, mo! - 1, d!);
  if (date.getUTCMonth() !== mo! - 1) return null; // e.g. Feb 30 rolled over
  date.setUTCHours(h!, mi!, s, ms);
  return new Date(date.getTime() - offsetMin * 60_000);
}

export class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    const t = this.text;
    while (this.pos < t.length && /\s/.test(t[this.pos]!)) this.pos++;
    const start = this.pos;
    if (start >= t.length) return { kind: 'eof', pos: start, text: '' };
    const ch = t[start]!;
    if ('(),/'.includes(ch)) {
      this.pos++;
      return { kind: ch as TokenKind, pos: start, text: ch };
    }
    if (ch === "'") return this.lexString(start);
    if (ch === '"') throw syntaxError(start, 'string literals must be enclosed in single quotes.');
    if (ch === '$') {
      const name = stickyMatch(/\$[A-Za-z0-9_]*/y, t, start)?.[0] ?? '$';
      throw filterError(`'${name}' is not supported.`);
    }
    if (ch === '@') throw filterError('parameter aliases (@name) are not supported.');
    let m = stickyMatch(GUID_RE, t, start);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'guid', pos: start, text: m[0], lit: { kind: 'guid', value: m[0].toLowerCase() } };
    }
    if (/[0-9-]/.test(ch)) {
      m = stickyMatch(DATETIME_RE, t, start);
      if (m) {
        const date = toDate(m);
        if (!date) throw syntaxError(start, `'${m[0]}' is not a valid DateTimeOffset value.`);
        this.pos += m[0].length;
        return { kind: 'datetime', pos: start, text: m[0], lit: { kind: 'datetime', value: date, text: m[0] } };
      }
      const dateish = stickyMatch(DATEISH_RE, t, start);
      if (dateish) {
        throw syntaxError(start, `'${dateish[0]}' is not a supported date/time literal; ` +
          'use an unquoted DateTimeOffset with a time zone, e.g. 2026-01-01T00:00:00Z.');
      }
      m = stickyMatch(INT_RE, t, start);
      if (m) {
        const run = stickyMatch(NUMBERISH_RE, t, start)![0];
        if (run.length !== m[0].length) {
          throw syntaxError(start, `numeric literal '${run}' is not supported; only integers are.`);
        }
        const value = Number(m[0]);
        if (!Number.isSafeInteger(value)) throw syntaxError(start, `integer literal '${m[0]}' is out of range.`);
        this.pos += m[0].length;
        return { kind: 'int', pos: start, text: m[0], lit: { kind: 'int', value } };
      }
    }
    m = stickyMatch(IDENT_RE, t, start);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'ident', pos: start, text: m[0] };
    }
    throw syntaxError(start, `unexpected character '${ch}'.`);
  }

  private lexString(start: number): Token {
    const t = this.text;
    let value = '';
    let i = start + 1;
    for (;;) {
      const q = t.indexOf("'", i);
      if (q < 0) throw syntaxError(start, 'unterminated string literal.');
      value += t.slice(i, q);
      if (t[q + 1] === "'") { value += "'"; i = q + 2; continue; } // '' escapes a quote
      // Stored text never holds control characters (request bodies refuse them), so a literal with one is an error.
      const control = findControlCharacter(value);
      if (control) throw syntaxError(start, `string literal contains a control character (${control}), which is not allowed.`);
      this.pos = q + 1;
      return { kind: 'string', pos: start, text: t.slice(start, q + 1), lit: { kind: 'string', value } };
    }
  }
}
