import * as ACData from 'adaptivecards-templating';

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

function parsedTemplate(card: CardTemplate<unknown>): ACData.Template {
  let engine = parsed.get(card);
  if (!engine) {
    engine = new ACData.Template(structuredClone(card.json));
    parsed.set(card, engine);
  }
  return engine;
}

/**
 * Expands a template with its data. The template is never mutated (the engine parses its own copy
 * once, and every expansion builds a new card), and a binding left unexpanded is a bug in the
 * template or its data type, so it fails loudly.
 */
export function renderCard<TData extends object>(card: CardTemplate<TData>, data: TData): CardJson {
  const expanded: unknown = parsedTemplate(card).expand({ $root: containsBinding(data) ? neutralise(data) : data });
  const unbound = firstBinding(expanded);
  if (unbound) {
    throw new CardRenderError(`The ${card.name} card left "${unbound}" unbound; its data lacks that field.`);
  }
  if (typeof expanded !== 'object' || expanded === null || (expanded as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new CardRenderError(`The ${card.name} card did not render to an AdaptiveCard.`);
  }
  return expanded as CardJson;
}

const BINDING = /\$\{[^}]*\}/;

/** The first `${...}` left in a rendered card's strings, if any. */
function firstBinding(value: unknown): string | undefined {
  if (typeof value === 'string') return BINDING.exec(value)?.[0];
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

/** Whether any string in the data holds "${": only then does it need neutralising (a copy). */
function containsBinding(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(containsBinding);
  if (value && typeof value === 'object') return Object.values(value).some(containsBinding);
  return false;
}

/**
 * Names come from the directory and other users; a "${" inside one must show as text, not be read as
 * a binding (nor trip the unbound check), so it is broken with an invisible joiner.
 */
function neutralise<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$\u2060{') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => neutralise(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, neutralise(v)])) as T;
  }
  return value;
}
