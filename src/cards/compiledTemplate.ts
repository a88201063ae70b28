/**
 * The card templates' expansion done directly, for the part of the Adaptive Card templating language
 * the templates in cards/ use: `${path}` (with `$data` and `$root`), `count(path)`, comparisons with
 * numbers and '' strings, `!`, `&&`, `||`; `$data` over arrays and objects; `$when`. Expanding a
 * template through adaptivecards-templating evaluates every binding through adaptive-expressions'
 * general machinery (a memory object per expression, null substitution, a state stack per node): a
 * tenth of a status turn. This does the same walk over a template compiled once.
 *
 * It also makes the data's text safe as it writes each field (dataText.ts), which the engine's
 * expansion does in a second walk over the expanded card (render.ts).
 *
 * It produces exactly what that expansion produces, or nothing: a template using anything else does
 * not compile, and an expansion that meets a case whose handling would differ (a value that is
 * undefined or null, a comparison of mixed types, a count of something not a list, a condition that
 * is not a boolean, data text directly in a list) gives up, and the caller expands that card with
 * adaptivecards-templating instead. A test expands every card's samples both ways and compares them.
 */

import { CLOSE, entering, fieldKind, holdsFacts, LINE_START, OPEN, shown, type FieldKind } from './dataText';

type Value = unknown;

/** Where a node's value lands in the card: what decides how text from the data is made safe there. */
interface Place {
  /** Under an action's `data`: sent back to the bot as it is, never shown. */
  readonly inData: boolean;
  /** Objects here are the facts of a FactSet. */
  readonly inFact: boolean;
  /** Directly in a list, where the engine's expansion leaves data text as it is (marked): given up on. */
  readonly inList: boolean;
  /** How a string here is shown. */
  readonly kind: FieldKind;
}

const ROOT: Place = { inData: false, inFact: false, inList: true, kind: 'machine' };
const DATA: Place = { inData: true, inFact: false, inList: false, kind: 'machine' };

/** Where the value of an element's member lands. */
function placeOf(element: Place, elementType: string | undefined, key: string): Place {
  if (element.inData || key === 'data') return DATA;
  return { inData: false, inFact: holdsFacts(elementType, key), inList: false, kind: fieldKind(elementType, key, element.inFact) };
}

function inList(place: Place): Place {
  return place.inList ? place : { ...place, inList: true };
}

type Expression =
  | { readonly kind: 'path'; readonly root: '$root' | '$data'; readonly names: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'count'; readonly of: Expression }
  | { readonly kind: 'not'; readonly of: Expression }
  | { readonly kind: 'logic'; readonly op: '&&' | '||'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'compare'; readonly op: Comparison; readonly left: Expression; readonly right: Expression };

type Comparison = '==' | '!=' | '>=' | '<=' | '>' | '<';

type TemplateNode =
  | { readonly kind: 'constant'; readonly value: Value }
  | { readonly kind: 'binding'; readonly expression: Expression; readonly place: Place }
  | { readonly kind: 'text'; readonly parts: readonly (string | Expression)[]; readonly place: Place }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, TemplateNode])[]; readonly when?: Expression; readonly data?: Expression };

/** Thrown inside an expansion that adaptivecards-templating would handle in its own way. */
class GiveUp extends Error {}

const RESERVED = new Set(['$root', '$index', '$host', '$_acTemplateVersion']);

export interface CompiledTemplate {
  /** The expanded card, its data's text made safe; undefined when this expansion must be left to adaptivecards-templating. */
  expand(root: Value): Value | undefined;
}

/** The template compiled, or undefined when it uses something this does not handle. */
export function compileTemplate(json: Value): CompiledTemplate | undefined {
  let node: TemplateNode;
  try {
    node = compileNode(json, ROOT);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
  return {
    expand(root) {
      try {
        return expandNode(node, root, root);
      } catch (error) {
        if (error instanceof GiveUp) return undefined;
        throw error;
      }
    },
  };
}

function compileNode(json: Value, place: Place): TemplateNode {
  if (typeof json === 'string') return compileString(json, place);
  if (Array.isArray(json)) return { kind: 'array', items: json.map((item) => compileNode(item, inList(place))) };
  if (json === null || typeof json !== 'object') return { kind: 'constant', value: json };
  const elementType: unknown = (json as Record<string, unknown>).type;
  // The kind of each field follows from the element's type, which must be known before expanding.
  if (typeof elementType === 'string' && elementType.includes('${')) throw new GiveUp();
  const type = typeof elementType === 'string' ? elementType : undefined;
  const entries: (readonly [string, TemplateNode])[] = [];
  let when: Expression | undefined;
  let data: Expression | undefined;
  for (const [key, value] of Object.entries(json)) {
    if (RESERVED.has(key)) throw new GiveUp();
    if (key === '$when' || key === '$data') {
      const compiled = typeof value === 'string' ? compileString(value, place) : undefined;
      if (compiled?.kind !== 'binding') throw new GiveUp();
      if (key === '$when') when = compiled.expression;
      else data = compiled.expression;
      continue;
    }
    entries.push([key, compileNode(value, placeOf(place, type, key))]);
  }
  return { kind: 'object', entries, ...(when ? { when } : {}), ...(data ? { data } : {}) };
}

/** A string of the template: constant, one binding (whose value is kept as it is), or text with bindings. */
function compileString(text: string, place: Place): TemplateNode {
  if (!text.includes('${')) return { kind: 'constant', value: text };
  // The engine reads such a string as an adaptive-expressions string template, where these mean more.
  if (text.includes('\\') || text.includes('`')) throw new GiveUp();
  const parts: (string | Expression)[] = [];
  let at = 0;
  while (at < text.length) {
    const start = text.indexOf('${', at);
    if (start < 0) {
      parts.push(text.slice(at));
      break;
    }
    if (start > at) parts.push(text.slice(at, start));
    const end = text.indexOf('}', start);
    if (end < 0) throw new GiveUp();
    const source = text.slice(start + 2, end);
    if (source.includes('{')) throw new GiveUp();
    parts.push(parseExpression(source));
    at = end + 1;
  }
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && typeof only !== 'string') return { kind: 'binding', expression: only, place };
  return { kind: 'text', parts, place };
}

const TOKEN = /\s*(\|\||&&|!=|==|>=|<=|[><!()]|'[^'\\]*'|\d+(?:\.\d+)?|[$A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/y;

function parseExpression(source: string): Expression {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const match = TOKEN.exec(source);
    if (!match?.[1]) {
      if (source.slice(TOKEN.lastIndex).trim() === '') break;
      throw new GiveUp();
    }
    tokens.push(match[1]);
  }
  let next = 0;
  const peek = (): string | undefined => tokens[next];
  const take = (expected?: string): string => {
    const token = tokens[next++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new GiveUp();
    return token;
  };
  const primary = (): Expression => {
    const token = take();
    if (token === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token.startsWith("'")) {
      // The engine compares marked data (render.ts) with the literal: only '' compares as it reads.
      if (token !== "''") throw new GiveUp();
      return { kind: 'literal', value: '' };
    }
    if (/^\d/.test(token)) return { kind: 'literal', value: Number(token) };
    if (token === 'count' && peek() === '(') {
      take('(');
      const of = or();
      take(')');
      return { kind: 'count', of };
    }
    return pathOf(token);
  };
  const unary = (): Expression => (peek() === '!' ? (take(), { kind: 'not', of: unary() }) : primary());
  const compare = (): Expression => {
    const left = unary();
    const op = peek();
    if (op === '==' || op === '!=' || op === '>=' || op === '<=' || op === '>' || op === '<') {
      take();
      return { kind: 'compare', op, left, right: unary() };
    }
    return left;
  };
  const and = (): Expression => {
    let left = compare();
    while (peek() === '&&') left = (take(), { kind: 'logic', op: '&&', left, right: compare() });
    return left;
  };
  const or = (): Expression => {
    let left = and();
    while (peek() === '||') left = (take(), { kind: 'logic', op: '||', left, right: and() });
    return left;
  };
  const expression = or();
  if (next !== tokens.length) throw new GiveUp();
  return expression;
}

function pathOf(token: string): Expression {
  const names = token.split('.');
  const first = names[0] ?? '';
  if (first === '$root' || first === '$data') return { kind: 'path', root: first, names: names.slice(1) };
  if (first.startsWith('$') || first === 'true' || first === 'false' || first === 'null') throw new GiveUp();
  return { kind: 'path', root: '$data', names };
}

function expandNode(node: TemplateNode, data: Value, root: Value): Value {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'binding':
      return placed(evaluate(node.expression, data, root), node.place);
    case 'text':
      return expandText(node, data, root);
    case 'array': {
      const items: Value[] = [];
      for (const item of node.items) {
        const expanded = expandNode(item, data, root);
        // Lists in a list are spliced in, whatever made them: the engine does the same.
        if (Array.isArray(expanded)) items.push(...(expanded as Value[]));
        else if (expanded !== null) items.push(expanded);
      }
      return items;
    }
    case 'object':
      return expandObject(node, data, root);
  }
}

/** As the engine does: one object per item of a `$data` list, those whose `$when` holds; null for none, the object itself for one. */
function expandObject(node: Extract<TemplateNode, { kind: 'object' }>, data: Value, root: Value): Value {
  let contexts: readonly Value[] = [data];
  if (node.data) {
    const bound = evaluate(node.data, data, root);
    if (Array.isArray(bound)) contexts = bound;
    else if (bound !== null && typeof bound === 'object') contexts = [bound];
    else throw new GiveUp();
  }
  const objects: Record<string, Value>[] = [];
  for (const context of contexts) {
    if (context === undefined) throw new GiveUp();
    if (node.when) {
      const holds = evaluate(node.when, context, root);
      if (typeof holds !== 'boolean') throw new GiveUp();
      if (!holds) continue;
    }
    const object: Record<string, Value> = {};
    for (const [key, child] of node.entries) {
      const value = expandNode(child, context, root);
      // An object-valued member whose $when fails is kept as null, as the engine keeps it.
      if (value !== undefined) object[key] = value;
    }
    objects.push(object);
  }
  if (objects.length === 0) return null;
  return objects.length === 1 ? objects[0] : objects;
}

function evaluate(expression: Expression, data: Value, root: Value): Value {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'path': {
      let value = expression.root === '$root' ? root : data;
      for (const name of expression.names) {
        if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, name)) throw new GiveUp();
        value = (value as Record<string, Value>)[name];
      }
      if (value === undefined || value === null) throw new GiveUp();
      return value;
    }
    case 'count': {
      const of = evaluate(expression.of, data, root);
      if (Array.isArray(of)) return of.length;
      throw new GiveUp();
    }
    case 'not':
      return !asBoolean(evaluate(expression.of, data, root));
    case 'logic': {
      const left = asBoolean(evaluate(expression.left, data, root));
      if (expression.op === '&&' ? !left : left) return left;
      return asBoolean(evaluate(expression.right, data, root));
    }
    case 'compare':
      return compared(expression.op, evaluate(expression.left, data, root), evaluate(expression.right, data, root));
  }
}

function compared(op: Comparison, left: Value, right: Value): boolean {
  const bothNumbers = typeof left === 'number' && typeof right === 'number' && Number.isFinite(left) && Number.isFinite(right);
  const bothStrings = typeof left === 'string' && typeof right === 'string';
  if (op === '==' || op === '!=') {
    if (!bothNumbers && !bothStrings) throw new GiveUp();
    return (bothStrings ? asMarked(left) === asMarked(right) : left === right) === (op === '==');
  }
  if (!bothNumbers) throw new GiveUp();
  const [a, b] = [left as number, right as number];
  return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
}

/** A string of the data as the engine's expansion compares it: marked, unless empty. */
function asMarked(text: string): string {
  return text === '' ? text : OPEN + entering(text) + CLOSE;
}

function asBoolean(value: Value): boolean {
  if (typeof value !== 'boolean') throw new GiveUp();
  return value;
}

/** A value inside text, as the engine writes it; lists and objects are left to the engine. */
function asText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  throw new GiveUp();
}

/** A value of the data where the template puts it whole, its text made safe for that place. */
function placed(value: Value, place: Place): Value {
  if (typeof value === 'string') return value === '' ? value : placedText(value, place, true);
  if (Array.isArray(value)) {
    const items = inList(place);
    return value.map((item: Value) => placed(item, items));
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, Value>;
  const type = typeof record.type === 'string' ? entering(record.type) : undefined;
  const result: Record<string, Value> = {};
  for (const [key, item] of Object.entries(record)) result[key] = placed(item, placeOf(place, type, key));
  return result;
}

/** A non-empty string of the data at a place, as the engine's expansion leaves it there once made safe. */
function placedText(text: string, place: Place, atLineStart: boolean): string {
  if (place.inData) return entering(text);
  if (place.inList) throw new GiveUp();
  if (place.kind === 'machine') return entering(text);
  return shown(entering(text), place.kind, atLineStart);
}

/**
 * Text with values inside it. Whether a part of the data starts a line (where list markers take
 * effect) is judged on the text before it as the engine's expansion holds it, with the data marked.
 */
function expandText(node: Extract<TemplateNode, { kind: 'text' }>, data: Value, root: Value): string {
  const markdown = !node.place.inData && !node.place.inList && node.place.kind === 'markdown';
  let text = '';
  let line = '';
  for (const part of node.parts) {
    const value = typeof part === 'string' ? part : evaluate(part, data, root);
    if (typeof part === 'string' || typeof value !== 'string') {
      const written = asText(value);
      text += written;
      if (markdown) line = lineAfter(line, written);
      continue;
    }
    if (value === '') continue;
    text += placedText(value, node.place, markdown && LINE_START.test(line));
    if (markdown) line = lineAfter(line, asMarked(value));
  }
  return text;
}

/** The last line of `line` followed by `text`. */
function lineAfter(line: string, text: string): string {
  const breakAt = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return breakAt < 0 ? line + text : text.slice(breakAt + 1);
}
