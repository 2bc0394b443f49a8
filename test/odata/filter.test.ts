import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataQueryError } from '../../src/graph/odata/errors.js';
import { parseFilter, type FilterNode } from '../../src/graph/odata/filter.js';
import { resolveFilter, type FieldMap } from '../../src/graph/odata/fields.js';

/** Compact rendering of the AST so precedence is easy to assert. */
function show(n: FilterNode): string {
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${show(n.left)} ${n.type} ${show(n.right)})`;
    case 'not':
      return `not ${show(n.operand)}`;
    case 'compare':
      return `${n.property} ${n.op} ${lit(n.value)}`;
    case 'in':
      return `${n.property} in [${n.values.map(lit).join(',')}]`;
    case 'function':
      return `${n.name}(${n.property},${lit(n.value)})`;
  }
}
function lit(l: import('../../src/graph/odata/filter.js').Literal): string {
  switch (l.kind) {
    case 'string': return JSON.stringify(l.value);
    case 'null': return 'null';
    case 'datetime': return `dt:${l.value.toISOString()}`;
    case 'guid': return `guid:${l.value}`;
    default: return String(l.value);
  }
}

function rejects(text: string, message: string | RegExp): void {
  assert.throws(() => parseFilter(text), (err: unknown) => {
    assert.ok(err instanceof ODataQueryError, `expected ODataQueryError, got ${String(err)}`);
    assert.equal(err.option, '$filter');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('parseFilter: happy paths', () => {
  const cases: [string, string][] = [
    ["status eq 'submitted'", 'status eq "submitted"'],
    ["displayName ne 'it''s'", 'displayName ne "it\'s"'],
    ['priority gt 3', 'priority gt 3'],
    ['priority ge -2', 'priority ge -2'],
    ['lastUpdatedDateTime eq null', 'lastUpdatedDateTime eq null'],
    ['isActive eq true', 'isActive eq true'],
    ['isActive ne FALSE', 'isActive ne false'],
    ['createdDateTime lt 2026-01-01T00:00:00Z', 'createdDateTime lt dt:2026-01-01T00:00:00.000Z'],
    ['createdDateTime le 2026-01-01T02:30:00.1234567+02:30', 'createdDateTime le dt:2026-01-01T00:00:00.123Z'],
    ['createdDateTime ge 2026-03-01T10:00-05:00', 'createdDateTime ge dt:2026-03-01T15:00:00.000Z'],
    ['id eq 6F9619FF-8B86-D011-B42D-00C04FC964FF', 'id eq guid:6f9619ff-8b86-d011-b42d-00c04fc964ff'],
    ['id eq abcdef01-2345-6789-abcd-ef0123456789', 'id eq guid:abcdef01-2345-6789-abcd-ef0123456789'],
    ["status in ('a', 'b','c')", 'status in ["a","b","c"]'],
    ["startswith(displayName,'Jo')", 'startswith(displayName,"Jo")'],
    ["EndsWith(displayName, 'x')", 'endswith(displayName,"x")'],
    ["contains(displayName,'')", 'contains(displayName,"")'],
    ["startswith(displayName,'a') eq false", 'not startswith(displayName,"a")'],
    ["contains(displayName,'a') ne false", 'contains(displayName,"a")'],
    ["exchangeSettings/targetDeliveryDomain eq 'contoso.com'", 'exchangeSettings/targetDeliveryDomain eq "contoso.com"'],
    ["  status   EQ   'x'  ", 'status eq "x"'],
    ["((status eq 'x'))", 'status eq "x"'],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.equal(show(parseFilter(input)), expected));
  }

  it('keeps the property position for diagnostics', () => {
    const n = parseFilter("  status eq 'x'");
    assert.equal(n.type === 'compare' && n.pos, 2);
  });
});

describe('parseFilter: precedence (not > and > or), left associativity', () => {
  const cases: [string, string][] = [
    ['a eq 1 or b eq 2 and c eq 3', '(a eq 1 or (b eq 2 and c eq 3))'],
    ['a eq 1 and b eq 2 or c eq 3', '((a eq 1 and b eq 2) or c eq 3)'],
    ['(a eq 1 or b eq 2) and c eq 3', '((a eq 1 or b eq 2) and c eq 3)'],
    ['not a eq 1 and b eq 2', '(not a eq 1 and b eq 2)'],
    ['not (a eq 1 or b eq 2)', 'not (a eq 1 or b eq 2)'],
    ['not not a eq 1', 'not not a eq 1'],
    ['a eq 1 or b eq 2 or c eq 3', '((a eq 1 or b eq 2) or c eq 3)'],
    ['a eq 1 AND b eq 2 Or NOT c eq 3', '((a eq 1 and b eq 2) or not c eq 3)'],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.equal(show(parseFilter(input)), expected));
  }
});

describe('parseFilter: errors', () => {
  const cases: [string, string | RegExp][] = [
    ['', 'Invalid $filter: the expression is empty.'],
    ['   ', 'Invalid $filter: the expression is empty.'],
    ["substringof('a', displayName)", 'Invalid $filter: unsupported function \'substringof\'. Supported: startswith, endswith, contains.'],
    ["tolower(displayName) eq 'a'", "Invalid $filter: unsupported function 'tolower'. Supported: startswith, endswith, contains."],
    ['status eq ', "Syntax error at position 10 in $filter: expected a literal after 'eq'."],
    ['status eq', "Syntax error at position 9 in $filter: expected a literal after 'eq'."],
    ["'a' eq status", /^Syntax error at position 0 in \$filter: found literal 'a' where a property name was expected; the property must be on the left side/],
    ['null eq status', /^Syntax error at position 0 in \$filter: found literal null where a property name was expected/],
    ['status eq displayName', /^Syntax error at position 10 in \$filter: expected a literal after 'eq' but found 'displayName'; comparing against another property/],
    ["assignments/any(a: a/id eq 'x')", "Invalid $filter: lambda operator 'any' is not supported."],
    ["assignments/all(a: a/id eq 'x')", "Invalid $filter: lambda operator 'all' is not supported."],
    ['priority add 1 eq 2', "Invalid $filter: arithmetic operator 'add' is not supported."],
    ['priority eq 1 sub 2', "Invalid $filter: arithmetic operator 'sub' is not supported."],
    ["flags has 'x'", "Invalid $filter: operator 'has' is not supported."],
    ["$it eq 'x'", "Invalid $filter: '$it' is not supported."],
    ["status eq @p", 'Invalid $filter: parameter aliases (@name) are not supported.'],
    ['status eq "x"', 'Syntax error at position 10 in $filter: string literals must be enclosed in single quotes.'],
    ["status eq 'x", 'Syntax error at position 10 in $filter: unterminated string literal.'],
    ["status eq 'x' and", "Syntax error at position 17 in $filter: expected a property name, function call or '(' but found the end of the expression."],
    ["(status eq 'x'", "Syntax error at position 14 in $filter: expected ')' but found the end of the expression."],
    ["status eq 'x')", "Syntax error at position 13 in $filter: expected 'and', 'or' or the end of the expression but found ')'."],
    ['isActive', "Syntax error at position 8 in $filter: expected a comparison operator (eq, ne, gt, ge, lt, le, in) after 'isActive' but found the end of the expression."],
    ['status like 1', "Syntax error at position 7 in $filter: expected a comparison operator (eq, ne, gt, ge, lt, le, in) after 'status' but found 'like'."],
    ['priority eq 1.5', "Syntax error at position 12 in $filter: numeric literal '1.5' is not supported; only integers are."],
    ['priority eq 99999999999999999999', "Syntax error at position 12 in $filter: integer literal '99999999999999999999' is out of range."],
    ['createdDateTime eq 2026-01-01', /^Syntax error at position 19 in \$filter: '2026-01-01' is not a supported date\/time literal/],
    ['createdDateTime eq 2026-01-01T00:00:00', /is not a supported date\/time literal; use an unquoted DateTimeOffset with a time zone/],
    ['createdDateTime eq 2026-02-30T00:00:00Z', "Syntax error at position 19 in $filter: '2026-02-30T00:00:00Z' is not a valid DateTimeOffset value."],
    ['createdDateTime eq 2026-13-01T00:00:00Z', /'2026-13-01T00:00:00Z' is not a valid DateTimeOffset value/],
    ['status in ()', "Syntax error at position 11 in $filter: expected a literal after '(' but found ')'."],
    ["status in 'a'", "Syntax error at position 10 in $filter: expected '(' after 'in' but found ''a''."],
    ["status in ('a' 'b')", "Syntax error at position 15 in $filter: expected ',' or ')' in the 'in' list but found ''b''."],
    ["startswith('x', displayName)", /^Syntax error at position 11 in \$filter: expected a property name as the first argument of startswith\(\)/],
    ['startswith(displayName, 5)', 'Syntax error at position 24 in $filter: the second argument of startswith() must be a quoted string literal.'],
    ["startswith(displayName,'a') eq 'b'", 'Syntax error at position 28 in $filter: startswith() can only be compared with true or false.'],
    ["startswith(displayName,'a') gt true", 'Syntax error at position 28 in $filter: startswith() can only be compared with eq/ne true or false.'],
    ['status eq # ', "Syntax error at position 10 in $filter: unexpected character '#'."],
    ["status eq 'a' xor b eq 1", "Syntax error at position 14 in $filter: expected 'and', 'or' or the end of the expression but found 'xor'."],
    ['and eq 1', "Syntax error at position 0 in $filter: expected a property name, function call or '(' but found 'and'."],
    ['microsoft.graph.x eq 1', "Syntax error at position 9 in $filter: unexpected character '.'."],
  ];
  for (const [input, message] of cases) {
    it(`rejects ${JSON.stringify(input)}`, () => rejects(input, message));
  }

  it('rejects input longer than 2048 characters', () => {
    const long = `displayName eq '${'x'.repeat(2100)}'`;
    rejects(long, `Invalid $filter: expression is too long (${long.length} characters; maximum is 2048).`);
  });

  it('rejects more than 100 nodes', () => {
    const text = Array.from({ length: 101 }, (_, i) => `p eq ${i}`).join(' or ');
    assert.ok(text.length <= 2048);
    rejects(text, 'Invalid $filter: expression is too complex (more than 100 nodes).');
  });

  it('counts in-list items as nodes', () => {
    const list = Array.from({ length: 100 }, (_, i) => String(i)).join(',');
    rejects(`p in (${list})`, 'Invalid $filter: expression is too complex (more than 100 nodes).');
    assert.doesNotThrow(() => parseFilter(`p in (${Array.from({ length: 99 }, (_, i) => i).join(',')})`));
  });

  it('limits nesting depth to 32', () => {
    assert.doesNotThrow(() => parseFilter(`${'('.repeat(32)}p eq 1${')'.repeat(32)}`));
    rejects(`${'('.repeat(33)}p eq 1${')'.repeat(33)}`,
      'Invalid $filter: expression is nested too deeply (maximum depth is 32).');
    rejects(`${'not '.repeat(40)}p eq 1`, 'Invalid $filter: expression is nested too deeply (maximum depth is 32).');
  });

  it('10,000 levels of parentheses give ODataQueryError, not a crash', () => {
    rejects(`${'('.repeat(10_000)}p eq 1${')'.repeat(10_000)}`, /^Invalid \$filter: expression is too long/);
    rejects('('.repeat(2000), 'Invalid $filter: expression is nested too deeply (maximum depth is 32).');
  });
});

describe('parseFilter: fuzz', () => {
  // mulberry32: small deterministic PRNG so failures are reproducible.
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const alphabet = [
    'status', 'displayName', 'a/b', 'eq', 'ne', 'gt', 'le', 'and', 'or', 'not', 'in', 'has', 'add', 'any', 'all',
    'startswith', 'contains', 'substringof', '(', ')', ',', '/', ':', "'x'", "'it''s'", "'", "''", '"', 'null',
    'true', 'false', '42', '-7', '1.5', '2026-01-01T00:00:00Z', '2026-01-01', '6f9619ff-8b86-d011-b42d-00c04fc964ff',
    '$it', '@p', '%', '_', '\\', ';', '--', '\u00e9', '\u0000', ' ', ' ', ' ',
  ];

  function validExpr(pick: (xs: readonly string[]) => string, rand: () => number, depth: number): string[] {
    const r = rand();
    if (depth < 4 && r < 0.3) {
      return [...validExpr(pick, rand, depth + 1), pick(['and', 'or', 'AND']), ...validExpr(pick, rand, depth + 1)];
    }
    if (depth < 4 && r < 0.4) return ['not', '(', ...validExpr(pick, rand, depth + 1), ')'];
    if (r < 0.55) return [pick(['startswith', 'contains', 'endswith']), '(', pick(['displayName', 'status']), ',', "'x'", ')'];
    if (r < 0.65) return ['status', 'in', '(', "'x'", ',', "'it''s'", ')'];
    return [pick(['status', 'displayName', 'a/b', 'c']), pick(['eq', 'ne', 'gt', 'le']),
      pick(["'x'", 'null', '42', 'true', '2026-01-01T00:00:00Z', '6f9619ff-8b86-d011-b42d-00c04fc964ff'])];
  }

  const FUZZ_FIELDS: FieldMap = {
    status: { column: 'status', type: 'enum', enumValues: ['x'] },
    displayName: { column: 'display_name', type: 'string', caseInsensitive: true },
    'a/b': { column: 'ab', type: 'guid' },
  };

  it('2,000 random token strings either parse or throw ODataQueryError', () => {
    const rand = prng(0xc0ffee);
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const pick = (xs: readonly string[]): string => xs[Math.floor(rand() * xs.length)]!;
      let parts: string[];
      if (i % 2 === 0) {
        // Pure noise from the token alphabet.
        parts = Array.from({ length: 1 + Math.floor(rand() * 24) }, () => pick(alphabet));
      } else {
        // A grammatical filter, then 0-2 random token mutations (near misses).
        parts = validExpr(pick, rand, 0);
        for (let m = Math.floor(rand() * 3); m > 0; m--) {
          const at = Math.floor(rand() * (parts.length + 1));
          if (rand() < 0.5) parts.splice(at, 1);
          else parts.splice(at, 0, pick(alphabet));
        }
      }
      const text = parts.join(rand() < 0.8 ? ' ' : '');
      try {
        const node = parseFilter(text);
        parsed++;
        resolveFilter(node, FUZZ_FIELDS); // type checking must be just as robust
      } catch (err) {
        assert.ok(err instanceof ODataQueryError, `input ${JSON.stringify(text)} threw ${String(err)}`);
      }
    }
    assert.ok(parsed > 100, 'the token alphabet should produce some valid filters');
  });

  it('random raw characters either parse or throw ODataQueryError', () => {
    const rand = prng(42);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 40);
      let text = '';
      for (let j = 0; j < len; j++) text += String.fromCharCode(32 + Math.floor(rand() * 95));
      try {
        parseFilter(text);
      } catch (err) {
        assert.ok(err instanceof ODataQueryError, `input ${JSON.stringify(text)} threw ${String(err)}`);
      }
    }
  });
});
