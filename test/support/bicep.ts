/**
 * Enough of a Bicep reader to check the templates' structure where no Bicep compiler can be
 * installed: the top-level declarations (param, var, resource, module, output) with their bodies,
 * found by scanning with Bicep's string rules ('…' with \' escapes and ${…} interpolation, '''…'''
 * multi-line strings) and comments. It does not type-check expressions.
 */

export interface BicepParam {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
}

export interface BicepResource {
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  /** The text between the body's braces. */
  readonly body: string;
}

export interface BicepModule {
  readonly symbol: string;
  readonly path: string;
  readonly body: string;
}

export interface BicepOutput {
  readonly name: string;
  readonly type: string;
  readonly expression: string;
}

export interface BicepFile {
  readonly params: readonly BicepParam[];
  readonly vars: readonly string[];
  readonly resources: readonly BicepResource[];
  readonly modules: readonly BicepModule[];
  readonly outputs: readonly BicepOutput[];
}

/** The text with comments blanked out (same length, so positions stay), strings kept. */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end === -1 ? text.length : end + 3;
      out += text.slice(i, stop);
      i = stop;
    } else if (text[i] === "'") {
      const stop = endOfString(text, i);
      out += text.slice(i, stop);
      i = stop;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** Index just past the single-quoted string that starts at `start`, interpolations included. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === "'") return i + 1;
    else if (text.startsWith('${', i)) i = matchingClose(text, i + 1) + 1;
    else i += 1;
  }
  throw new Error(`Unterminated string starting at offset ${start}.`);
}

/** Index of the bracket that closes the one at `open` ({, [ or (), skipping strings. */
export function matchingClose(text: string, open: number): number {
  const pairs: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack: string[] = [];
  let i = open;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end === -1) break;
      i = end + 3;
      continue;
    }
    if (c === "'") {
      i = endOfString(text, i);
      continue;
    }
    const close = pairs[c];
    if (close !== undefined) stack.push(close);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
    i += 1;
  }
  throw new Error(`Unbalanced "${text[open] ?? ''}" at offset ${open}.`);
}

/** Reads the top-level declarations; throws on text it cannot place, so a typo does not pass unseen. */
export function parseBicep(source: string): BicepFile {
  const text = withoutComments(source);
  const params: BicepParam[] = [];
  const vars: string[] = [];
  const resources: BicepResource[] = [];
  const modules: BicepModule[] = [];
  const outputs: BicepOutput[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const blank = /^\s+/.exec(rest);
    if (blank) {
      i += blank[0].length;
      continue;
    }
    if (rest.startsWith('@')) {
      // A decorator: @name(…) or @name.
      const name = /^@[A-Za-z.]+/.exec(rest);
      if (!name) throw new Error(`Unreadable decorator at offset ${i}.`);
      i += name[0].length;
      if (text[i] === '(') i = matchingClose(text, i) + 1;
      continue;
    }
    const declaration = /^(param|var|resource|module|output)\s+([A-Za-z_][A-Za-z0-9_]*)\s+/.exec(rest);
    if (!declaration) throw new Error(`Unexpected text at offset ${i}: ${JSON.stringify(rest.slice(0, 40))}`);
    const [whole, keyword, name = ''] = declaration;
    const after = i + whole.length;
    const end = endOfDeclaration(text, after);
    const tail = text.slice(after, end).trim();
    if (keyword === 'param') {
      const typed = /^([A-Za-z]+)\s*(=\s*[\s\S]+)?$/.exec(tail);
      if (!typed) throw new Error(`Unreadable param ${name}: ${tail.slice(0, 60)}`);
      params.push({ name, type: typed[1] ?? '', hasDefault: typed[2] !== undefined });
    } else if (keyword === 'var') {
      vars.push(name);
    } else if (keyword === 'output') {
      const typed = /^([A-Za-z]+)\s*=\s*([\s\S]+)$/.exec(tail);
      if (!typed) throw new Error(`Unreadable output ${name}: ${tail.slice(0, 60)}`);
      outputs.push({ name, type: typed[1] ?? '', expression: (typed[2] ?? '').trim() });
    } else {
      const head = /^'([^']+)'\s*(?:existing\s*)?=\s*\{/.exec(tail);
      if (!head) throw new Error(`Unreadable ${keyword} ${name}: ${tail.slice(0, 60)}`);
      const open = text.indexOf('{', after);
      const body = text.slice(open + 1, matchingClose(text, open));
      const target = head[1] ?? '';
      if (keyword === 'module') {
        modules.push({ symbol: name, path: target, body });
      } else {
        const at = target.lastIndexOf('@');
        resources.push({ symbol: name, type: target.slice(0, at), apiVersion: target.slice(at + 1), body });
      }
    }
    i = end;
  }
  return { params, vars, resources, modules, outputs };
}

/** Where a declaration that starts at `from` ends: the end of its line, past any bracket it opens. */
function endOfDeclaration(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '\n') {
    const c = text[i] ?? '';
    if (c === '{' || c === '[' || c === '(') {
      i = matchingClose(text, i) + 1;
    } else if (text.startsWith("'''", i)) {
      const close = text.indexOf("'''", i + 3);
      i = close === -1 ? text.length : close + 3;
    } else if (c === "'") {
      i = endOfString(text, i);
    } else {
      i += 1;
    }
  }
  return i;
}

/** The value text of `key:` at the body's own level (not inside nested objects), if present. */
export function topLevelProperty(body: string, key: string): string | undefined {
  let depth = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? '';
    if (c === "'") {
      i = endOfString(body, i);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth += 1;
    else if (c === '}' || c === ']' || c === ')') depth -= 1;
    else if (depth === 0 && (i === 0 || /\s/.test(body[i - 1] ?? '')) && body.startsWith(`${key}:`, i)) {
      const start = i + key.length + 1;
      const valueStart = start + (body.slice(start).length - body.slice(start).trimStart().length);
      const first = body[valueStart] ?? '';
      if (first === '{' || first === '[') return body.slice(valueStart, matchingClose(body, valueStart) + 1);
      const lineEnd = body.indexOf('\n', valueStart);
      return body.slice(valueStart, lineEnd === -1 ? body.length : lineEnd).trim();
    }
    i += 1;
  }
  return undefined;
}

/** Follows a path of keys through nested objects: property(body, 'properties', 'siteConfig', 'alwaysOn'). */
export function property(body: string, ...keys: string[]): string | undefined {
  let current: string | undefined = body;
  for (const key of keys) {
    if (current === undefined) return undefined;
    const inner: string = current.startsWith('{') ? current.slice(1, -1) : current;
    current = topLevelProperty(inner, key);
  }
  return current;
}

/** The `{ name: '…' value: … }` entries of an array of app settings. */
export function nameValueEntries(array: string): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [];
  let i = array.indexOf('{');
  while (i !== -1) {
    const close = matchingClose(array, i);
    const entry = array.slice(i, close + 1);
    const name = property(entry, 'name');
    const value = property(entry, 'value');
    if (name !== undefined && value !== undefined) entries.push({ name: unquote(name), value });
    i = array.indexOf('{', close + 1);
  }
  return entries;
}

/** The text of a plain Bicep string literal ('…'); anything else is returned as it is. */
export function unquote(value: string): string {
  const match = /^'((?:[^'\\]|\\.)*)'$/.exec(value.trim());
  return match ? (match[1] ?? '').replace(/\\'/g, "'") : value.trim();
}
