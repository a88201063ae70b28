import type * as ACData from 'adaptivecards-templating';
import { compileTemplate, type CompiledTemplate } from './compiledTemplate';
import { CLOSE, entering, fieldKind, holdsFacts, LINE_START, MARKERS, OPEN, shown, type FieldKind } from './dataText';

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
 * made safe to show, as the field it lands in requires (markdown escaped in TextBlock text and facts;
 * controls and length only in choice titles, labels, button titles and text inputs; untouched in ids,
 * values and action data, which are never shown and come back to the bot; see dataText.ts). The
 * template's own text is never changed, so its deliberate formatting stays. The direct expansion
 * (compiledTemplate.ts) does this as it writes each field; a card it leaves to adaptivecards-templating
 * is made safe afterwards (byEngine).
 */
export function renderCard<TData extends object>(card: CardTemplate<TData>, data: TData): CardJson {
  let direct = compiled.get(card);
  if (direct === undefined) compiled.set(card, (direct = compileTemplate(card.json) ?? null));
  const expanded = direct?.expand(data);
  if (expanded === undefined) return byEngine(card, data);
  if (crossChecking) {
    const engine = byEngine(card, data);
    if (JSON.stringify(engine) !== JSON.stringify(expanded)) {
      throw new CardRenderError(`The ${card.name} card expanded directly differs from adaptivecards-templating's expansion: ${JSON.stringify(expanded)} against ${JSON.stringify(engine)}`);
    }
  }
  // The direct expansion leaves no binding unbound: it gives up on a missing value instead.
  return asCard(card, expanded);
}

/**
 * The card as adaptivecards-templating expands it: every string of the data is marked before
 * expansion, and after it each marked part is made safe as the field it landed in requires.
 */
export function byEngine<TData extends object>(card: CardTemplate<TData>, data: TData): CardJson {
  const expanded: unknown = parsedTemplate(card).expand({ $root: marked(data) });
  const unbound = firstBinding(expanded);
  if (unbound) {
    throw new CardRenderError(`The ${card.name} card left "${unbound}" unbound; its data lacks that field.`);
  }
  return asCard(card, finished(expanded));
}

function asCard(card: CardTemplate<unknown>, expanded: unknown): CardJson {
  if (typeof expanded !== 'object' || expanded === null || (expanded as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new CardRenderError(`The ${card.name} card did not render to an AdaptiveCard.`);
  }
  return expanded as CardJson;
}

const MARKED = /\uFDD0([^\uFDD1]*)\uFDD1/g;

/**
 * A copy of the data with every non-empty string marked, so that its parts can be told from the
 * template's after expansion. Empty strings stay empty, so that the templates' `x != ''` tests keep
 * working.
 */
function marked(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : OPEN + entering(value) + CLOSE;
  if (Array.isArray(value)) return value.map(marked);
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = marked(item);
    return copy;
  }
  return value;
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
    else result[key] = finished(value, holdsFacts(type, key));
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

function finishedString(value: string, kind: FieldKind): string {
  if (!value.includes(OPEN)) return value;
  if (kind === 'machine') return value.replace(MARKERS, '');
  return value.replace(MARKED, (_whole, part: string, offset: number, all: string) => {
    const lineStart = Math.max(all.lastIndexOf('\n', offset - 1), all.lastIndexOf('\r', offset - 1)) + 1;
    return shown(part, kind, LINE_START.test(all.slice(lineStart, offset)));
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
