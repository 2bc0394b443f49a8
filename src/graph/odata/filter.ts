/**
 * Recursive-descent parser for the documented OData v4 `$filter` subset (tokens come from lexer.ts).
 *
 * Grammar (keywords case-insensitive):
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' or ')'
 *            | fn '(' path ',' string ')' [('eq'|'ne') bool]
 *            | path cmp literal
 *            | path 'in' '(' literal (',' literal)* ')'
 *   path    := ident ('/' ident)*
 * The lexer is lazy so the parser can name an unsupported construct (e.g. a
 * lambda) before the lexer would trip over its syntax (e.g. the ':').
 * Every failure is an ODataQueryError; nesting and size are bounded so hostile
 * input cannot exhaust the stack.
 */
import { ODataQueryError } from './errors.js';
import { filterError, Lexer, syntaxError, type Literal, type Token } from './lexer.js';

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type StringFunction = 'startswith' | 'endswith' | 'contains';

export type { Literal } from './lexer.js';

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'compare'; op: ComparisonOp; property: string; value: Literal; pos: number }
  | { type: 'in'; property: string; values: Literal[]; pos: number }
  | { type: 'function'; name: StringFunction; property: string; value: Literal; pos: number };

export const MAX_FILTER_LENGTH = 2048;
export const MAX_FILTER_NODES = 100;
export const MAX_FILTER_DEPTH = 32;

const COMPARISON_OPS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const FUNCTIONS: readonly string[] = ['startswith', 'endswith', 'contains'];
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod']);
const LAMBDAS = new Set(['any', 'all']);
const RESERVED = new Set([...COMPARISON_OPS, 'and', 'or', 'not', 'in', 'has', ...ARITHMETIC]);

/** Render a literal the way it would be written in a $filter, for messages. */
export function literalText(lit: Literal): string {
  switch (lit.kind) {
    case 'string': return `'${lit.value.replace(/'/g, "''")}'`;
    case 'null': return 'null';
    case 'datetime': return lit.text;
    default: return String(lit.value);
  }
}

class Parser {
  private readonly lexer: Lexer;
  private lookahead: Token[] = [];
  private nodes = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  parse(): FilterNode {
    const node = this.parseOr(0);
    const tok = this.peek();
    if (tok.kind !== 'eof') throw this.unexpected(tok, 'expected \'and\', \'or\' or the end of the expression');
    return node;
  }

  // Token stream with lookahead; lexing happens on demand.
  private peek(n = 0): Token {
    while (this.lookahead.length <= n) this.lookahead.push(this.lexer.next());
    return this.lookahead[n]!;
  }

  private next(): Token {
    const tok = this.peek();
    this.lookahead.shift();
    return tok;
  }

  // ---- parser ------------------------------------------------------------
  private count<T extends FilterNode>(node: T, extra = 0): T {
    this.nodes += 1 + extra;
    if (this.nodes > MAX_FILTER_NODES) {
      throw filterError(`expression is too complex (more than ${MAX_FILTER_NODES} nodes).`);
    }
    return node;
  }

  private deeper(depth: number): number {
    if (depth + 1 > MAX_FILTER_DEPTH) {
      throw filterError(`expression is nested too deeply (maximum depth is ${MAX_FILTER_DEPTH}).`);
    }
    return depth + 1;
  }

  private isKeyword(tok: Token, word: string): boolean {
    return tok.kind === 'ident' && tok.text.toLowerCase() === word;
  }

  private describe(tok: Token): string {
    return tok.kind === 'eof' ? 'the end of the expression' : `'${tok.text}'`;
  }

  /** Error for a token that does not fit, naming unsupported operators explicitly. */
  private unexpected(tok: Token, expected: string): ODataQueryError {
    const word = tok.kind === 'ident' ? tok.text.toLowerCase() : '';
    if (ARITHMETIC.has(word)) return filterError(`arithmetic operator '${word}' is not supported.`);
    if (word === 'has') return filterError("operator 'has' is not supported.");
    return syntaxError(tok.pos, `${expected} but found ${this.describe(tok)}.`);
  }

  private parseOr(depth: number): FilterNode {
    let left = this.parseAnd(depth);
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = this.count({ type: 'or', left, right: this.parseAnd(depth) });
    }
    return left;
  }

  private parseAnd(depth: number): FilterNode {
    let left = this.parseUnary(depth);
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = this.count({ type: 'and', left, right: this.parseUnary(depth) });
    }
    return left;
  }

  private parseUnary(depth: number): FilterNode {
    if (this.isKeyword(this.peek(), 'not') && this.peek(1).kind !== '/') {
      this.next();
      const operand = this.parseUnary(this.deeper(depth));
      return this.count({ type: 'not', operand });
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): FilterNode {
    const tok = this.peek();
    if (tok.kind === '(') {
      this.next();
      const inner = this.parseOr(this.deeper(depth));
      const close = this.peek();
      if (close.kind !== ')') throw this.unexpected(close, "expected ')'");
      this.next();
      return inner;
    }
    if (tok.lit) {
      throw syntaxError(tok.pos, `found literal ${tok.text} where a property name was expected; ` +
        'the property must be on the left side of a comparison (e.g. status eq \'value\').');
    }
    if (tok.kind !== 'ident') throw this.unexpected(tok, 'expected a property name, function call or \'(\'');
    const word = tok.text.toLowerCase();
    if (this.peek(1).kind === '(') return this.parseFunction();
    if (word === 'null' || word === 'true' || word === 'false') {
      throw syntaxError(tok.pos, `found literal ${word} where a property name was expected; ` +
        'the property must be on the left side of a comparison.');
    }
    if (RESERVED.has(word)) throw this.unexpected(tok, 'expected a property name, function call or \'(\'');
    return this.parseComparison();
  }

  private parsePath(): { path: string; pos: number } {
    const first = this.next(); // caller guarantees an identifier
    let path = first.text;
    while (this.peek().kind === '/') {
      this.next();
      const seg = this.peek();
      if (seg.kind !== 'ident') throw this.unexpected(seg, "expected a property name after '/'");
      const lower = seg.text.toLowerCase();
      if (LAMBDAS.has(lower) && this.peek(1).kind === '(') {
        throw filterError(`lambda operator '${lower}' is not supported.`);
      }
      this.next();
      path += `/${seg.text}`;
    }
    return { path, pos: first.pos };
  }

  private parseComparison(): FilterNode {
    const { path, pos } = this.parsePath();
    const opTok = this.peek();
    const op = opTok.kind === 'ident' ? opTok.text.toLowerCase() : '';
    if (COMPARISON_OPS.includes(op)) {
      this.next();
      const value = this.parseLiteral(op);
      return this.count({ type: 'compare', op: op as ComparisonOp, property: path, value, pos });
    }
    if (op === 'in') {
      this.next();
      return this.parseInList(path, pos);
    }
    throw this.unexpected(opTok, `expected a comparison operator (eq, ne, gt, ge, lt, le, in) after '${path}'`);
  }

  private parseLiteral(after: string): Literal {
    const tok = this.peek();
    if (tok.lit) {
      this.next();
      return tok.lit;
    }
    if (tok.kind === 'ident') {
      const word = tok.text.toLowerCase();
      if (word === 'null') { this.next(); return { kind: 'null' }; }
      if (word === 'true' || word === 'false') { this.next(); return { kind: 'bool', value: word === 'true' }; }
      if (!RESERVED.has(word)) {
        throw syntaxError(tok.pos, `expected a literal after '${after}' but found '${tok.text}'; ` +
          'comparing against another property or a function is not supported.');
      }
    }
    if (tok.kind === 'eof') throw syntaxError(tok.pos, `expected a literal after '${after}'.`);
    throw this.unexpected(tok, `expected a literal after '${after}'`);
  }

  private parseInList(property: string, pos: number): FilterNode {
    const open = this.peek();
    if (open.kind !== '(') throw this.unexpected(open, "expected '(' after 'in'");
    this.next();
    const values: Literal[] = [];
    for (;;) {
      values.push(this.parseLiteral(values.length === 0 ? '(' : ','));
      const sep = this.next();
      if (sep.kind === ')') break;
      if (sep.kind !== ',') throw this.unexpected(sep, "expected ',' or ')' in the 'in' list");
    }
    return this.count({ type: 'in', property, values, pos }, values.length);
  }

  private parseFunction(): FilterNode {
    const nameTok = this.next();
    const name = nameTok.text.toLowerCase();
    if (LAMBDAS.has(name)) throw filterError(`lambda operator '${name}' is not supported.`);
    if (!FUNCTIONS.includes(name)) {
      throw filterError(`unsupported function '${nameTok.text}'. Supported: ${FUNCTIONS.join(', ')}.`);
    }
    this.next(); // '('
    const arg = this.peek();
    if (arg.kind !== 'ident' || RESERVED.has(arg.text.toLowerCase()) || this.peek(1).kind === '(') {
      throw this.unexpected(arg, `expected a property name as the first argument of ${name}()`);
    }
    const { path, pos } = this.parsePath();
    const comma = this.next();
    if (comma.kind !== ',') throw this.unexpected(comma, `expected ',' after the first argument of ${name}()`);
    const valTok = this.peek();
    const value = this.parseLiteral(',');
    if (value.kind !== 'string') {
      throw syntaxError(valTok.pos, `the second argument of ${name}() must be a quoted string literal.`);
    }
    const close = this.next();
    if (close.kind !== ')') throw this.unexpected(close, `expected ')' to close ${name}()`);
    let node: FilterNode = this.count({ type: 'function', name: name as StringFunction, property: path, value, pos });
    // OData allows comparing the boolean result explicitly: startswith(p,'x') eq false.
    const opTok = this.peek();
    const op = opTok.kind === 'ident' ? opTok.text.toLowerCase() : '';
    if (op === 'eq' || op === 'ne') {
      this.next();
      const b = this.parseLiteral(op);
      if (b.kind !== 'bool') throw syntaxError(opTok.pos, `${name}() can only be compared with true or false.`);
      if (b.value !== (op === 'eq')) node = this.count({ type: 'not', operand: node });
    } else if (COMPARISON_OPS.includes(op)) {
      throw syntaxError(opTok.pos, `${name}() can only be compared with eq/ne true or false.`);
    }
    return node;
  }
}

/** Parses a `$filter` expression into an AST. Throws only ODataQueryError. */
export function parseFilter(text: string): FilterNode {
  if (typeof text !== 'string') throw filterError('the expression must be a string.');
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterError(`expression is too long (${text.length} characters; maximum is ${MAX_FILTER_LENGTH}).`);
  }
  if (text.trim() === '') throw filterError('the expression is empty.');
  try {
    return new Parser(text).parse();
  } catch (err) {
    if (err instanceof ODataQueryError) throw err;
    // Defensive: a parser bug must still surface as a 400, never a 500.
    throw filterError('the expression could not be parsed.');
  }
}
