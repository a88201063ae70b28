import type * as ACData from 'adaptivecards-templating';
import { compileTemplate, type CompiledTemplate } from './compiledTemplate';
import { safeText } from './safeText';

/** A rendered Adaptive Card, ready to send or to return from an Action.Execute. */
export interface CardJson {
  readonly type: 'AdaptiveCard';
  readonly [key: string]: unknown;
}

/** A card template bound to the one data type it renders. */
export interface CardTemplate<TData> {
  readonly name: string;
  readonly json: object;
  /** Phantom member: ties the template to its data type at compile time only. */
  readonly data?: TData;
}

export function template<TData>(name: string, json: object): CardTemplate<TData> {
  return { name, json };
}

export class CardRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardRenderError';
  }
}

/**
 * Parsed templates, one per card. Parsing every `${...}` of a template (an ANTLR grammar) cost about
 * a third of a turn; the engine's parsed form can be expanded with any data, again and again.
 */
const parsed = new WeakMap<CardTemplate<unknown>, ACData.Template>();
/** Each template compiled for direct expansion (see compiledTemplate.ts); null when it cannot be. */
const compiled = new WeakMap<CardTemplate<unknown>, CompiledTemplate | null>();

/** When set, every direct expansion is made by the engine too and must be the same: the tests turn it on. */
let crossChecking = false;

/** Makes every card rendered from now on also be expanded by adaptivecards-templating, failing on a difference. */
export function crossCheckExpansions(on: boolean): void {
  crossChecking = on;
}

/** The template expanded with `root`: directly when that gives the engine's result, by the engine otherwise. */
function expandTemplate(card: CardTemplate<unknown>, root: unknown): unknown {
  let direct = compiled.get(card);
  if (direct === undefined) compiled.set(card, (direct = compileTemplate(card.json) ?? null));
  const result = direct?.expand(root);
  if (result === undefined) return parsedTemplate(card).expand({ $root: root });
  if (crossChecking) {
    const engine: unknown = parsedTemplate(card).expand({ $root: root });
    if (JSON.stringify(engine) !== JSON.stringify(result)) {
      throw new CardRenderError(`The ${card.name} card expanded directly differs from adaptivecards-templating's expansion: ${JSON.stringify(result)} against ${JSON.stringify(engine)}`);
    }
  }
  return result;
}

function parsedTemplate(card: CardTemplate<unknown>): ACData.Template {
  let engine = parsed.get(card);
  if (!engine) {
    engine = new (templating().Template)(structuredClone(card.json));
    parsed.set(card, engine);
  }
  return engine;
}

let loadedTemplating: typeof ACData | undefined;

/**
 * adaptivecards-templating, loaded when a card first needs it: with adaptive-expressions' ANTLR
 * grammar it is a third of a second of start-up, and every card in cards/ is expanded directly
 * unless its data holds something the direct walk leaves to the engine (a missing value, say).
 */
function templating(): typeof ACData {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use: rendering is synchronous
  loadedTemplating ??= require('adaptivecards-templating') as typeof ACData;
  return loadedTemplating;
}

/**
 * Expands a template with its data. The template is never mutated (the engine parses its own copy
 * once, and every expansion builds a new card), and a binding left unexpanded is a bug in the
 * template or its data type, so it fails loudly.
 *
 * This is the one place data enters a card, so it is where what users and the directory chose is
 * made safe to show: every string of the data is marked before expansion, and after it each marked
 * part is passed through safeText as the field it landed in requires (markdown escaped in TextBlock
 * text and facts; controls and length only in choice titles, labels, button titles and text inputs;
 * untouched in ids, values and action data, which are never shown and come back to the bot). The
 * template's own text is never changed, so its deliberate formatting stays.
 */
export function renderCard<TData extends object>(card: CardTemplate<TData>, data: TData): CardJson {
  const expanded: unknown = expandTemplate(card, marked(data));
  const unbound = firstBinding(expanded);
  if (unbound) {
    throw new CardRenderError(`The ${card.name} card left "${unbound}" unbound; its data lacks that field.`);
  }
  if (typeof expanded !== 'object' || expanded === null || (expanded as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new CardRenderError(`The ${card.name} card did not render to an AdaptiveCard.`);
  }
  return finished(expanded) as CardJson;
}

/** Noncharacters around each string of the data, so that its parts can be told from the template's after expansion. */
const OPEN = '\uFDD0';
const CLOSE = '\uFDD1';
const MARKED = /\uFDD0([^\uFDD1]*)\uFDD1/g;
const MARKERS = /[\uFDD0\uFDD1]/g;

/**
 * A copy of the data with every non-empty string marked. Empty strings stay empty, so that the
 * templates' `x != ''` tests keep working. A "${" inside data is broken with an invisible joiner, so
 * that it shows as text and is never read as a binding.
 */
function marked(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value === '') return value;
    let text = value.includes(OPEN) || value.includes(CLOSE) ? value.replace(MARKERS, '') : value;
    if (text.includes('${')) text = text.replace(/\$\{/g, BROKEN_BINDING);
    return OPEN + text + CLOSE;
  }
  if (Array.isArray(value)) return value.map(marked);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = marked(item);
    return copy;
  }
  return value;
}

const BROKEN_BINDING = '$\u2060{';

type FieldKind = 'markdown' | 'plain' | 'machine';

/** Fields shown as plain text whatever element they belong to. */
const PLAIN_FIELDS = new Set(['title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText', 'speak']);

/** How a string field of an element (or of a fact) is shown: rendered as markdown, as plain text, or not at all. */
function fieldKind(elementType: string | undefined, key: string, inFact: boolean): FieldKind {
  if (inFact) return key === 'title' || key === 'value' ? 'markdown' : 'machine';
  if (elementType === 'TextBlock' && key === 'text') return 'markdown';
  if (elementType === 'TextRun' && key === 'text') return 'plain';
  if (elementType === 'Input.Text' && key === 'value') return 'plain';
  return PLAIN_FIELDS.has(key) ? 'plain' : 'machine';
}

/** The expanded card with each marked part made safe for the field it is in, and the marks gone. */
function finished(node: unknown, inFact = false): unknown {
  if (Array.isArray(node)) return node.map((item) => finished(item, inFact));
  if (!node || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type.replace(MARKERS, '') : undefined;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'data') result[key] = finishedData(value);
    else if (typeof value === 'string') result[key] = finishedString(value, fieldKind(type, key, inFact));
    else result[key] = finished(value, key === 'facts' && type === 'FactSet');
  }
  return result;
}

/** An action's data: sent back to the bot as it is, never shown. */
function finishedData(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(OPEN) ? value.replace(MARKERS, '') : value;
  if (Array.isArray(value)) return value.map(finishedData);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, finishedData(v)]));
  return value;
}

/** Text before a part that leaves it at the start of a line, or of a list item the template began ("- ${reason}"). */
const LINE_START = /^[ \t]*(?:(?:[-+*]|\d+[.)])[ \t]+)*$/;

function finishedString(value: string, kind: FieldKind): string {
  if (!value.includes(OPEN)) return value;
  if (kind === 'machine') return value.replace(MARKERS, '');
  return value.replace(MARKED, (_whole, part: string, offset: number, all: string) => {
    const lineStart = Math.max(all.lastIndexOf('\n', offset - 1), all.lastIndexOf('\r', offset - 1)) + 1;
    const safe = safeText(part, { markdown: kind === 'markdown', atLineStart: kind === 'markdown' && LINE_START.test(all.slice(lineStart, offset)) });
    return safe.replace(/\$\{/g, BROKEN_BINDING);
  });
}

const BINDING = /\$\{[^}]*\}/;

/** The first `${...}` the template left in a rendered card's strings, if any; data parts do not count. */
function firstBinding(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('${') ? BINDING.exec(value.replace(MARKED, ''))?.[0] : undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstBinding(item);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = firstBinding(item);
      if (found) return found;
    }
  }
  return undefined;
}
