// Strict JSON request bodies, the same for every route: a duplicate property, a `__proto__` /
// `constructor` / `prototype` property, or a control character (U+0000–U+001F except tab, LF, CR, and
// U+007F) in any string is a 400 naming the field, where JSON.parse would silently keep the last
// duplicate, drop or misuse the key, or store text that `contains` / `endswith` cannot match.
import { Errors, type GraphError } from './errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

interface Frame { obj: boolean; key: string | null; index: number; keys: Set<string> | null; expectKey: boolean }

/** Parses a JSON body or throws the Graph 400 that names the offending field. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw Errors.invalidJson();
  }
  const issue = scan(text);
  if (issue) throw issue;
  return value;
}

/** One pass over the (already valid) JSON text; strings are decoded only when they hold an escape. */
function scan(text: string): GraphError | undefined {
  const stack: Frame[] = [];
  // The path of the value being read; `extra` = a key of the innermost object (its own key excluded).
  const path = (extra?: string) => {
    let p = '';
    const frames = extra === undefined ? stack : stack.slice(0, -1);
    for (const f of frames) {
      if (f.obj) {
        if (f.key !== null) p = p ? `${p}.${f.key}` : f.key;
      } else p = `${p}[${f.index}]`;
    }
    return extra === undefined ? p : p ? `${p}.${extra}` : extra;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      stack.push({ obj: ch === 0x7b, key: null, index: 0, keys: ch === 0x7b ? new Set() : null, expectKey: ch === 0x7b });
    } else if (ch === 0x7d || ch === 0x5d) {
      stack.pop();
    } else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.obj) top.expectKey = true;
      else if (top) top.index++;
    } else if (ch === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x5c) {
          escaped = true;
          j += 2;
          continue;
        }
        if (c === 0x22) break;
        j++;
      }
      const s = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
      const top = stack[stack.length - 1];
      if (top?.obj && top.expectKey) {
        top.expectKey = false;
        if (FORBIDDEN_KEYS.has(s)) return Errors.badRequest(`The property '${path(s)}' is not allowed in a request body.`, path(s));
        if (top.keys!.has(s)) return Errors.badRequest(`The property '${path(s)}' is given more than once; each property may appear once.`, path(s));
        top.keys!.add(s);
        top.key = s;
        if (CONTROL.test(s)) return Errors.badRequest(`A property name contains a control character (U+${controlCode(s)}), which is not allowed.`, path());
      } else if (CONTROL.test(s)) {
        return Errors.invalidProperty(path() || 'body', `the value contains a control character (U+${controlCode(s)}), which is not allowed.`);
      }
      i = j;
    }
  }
  return undefined;
}

function controlCode(s: string): string {
  const m = CONTROL.exec(s)!;
  return m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
}

/** For query strings and path values: the first control character, or undefined. */
export function findControlCharacter(s: string): string | undefined {
  return CONTROL.test(s) ? `U+${controlCode(s)}` : undefined;
}
