import { safeText } from './safeText';

/**
 * How text from a card's data (what users and the directory chose) is shown in the card: made safe
 * as the field it lands in requires. Both expansions of a template apply it, the direct one as it
 * writes each field and adaptivecards-templating's afterwards (render.ts), so that they agree.
 */

/** Rendered as markdown (TextBlock text, a fact's title and value), as plain text, or never shown (ids, values, action data). */
export type FieldKind = 'markdown' | 'plain' | 'machine';

/** Fields shown as plain text whatever element they belong to. */
const PLAIN_FIELDS = new Set(['title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText', 'speak']);

/** How a string field of an element (or of a fact) is shown. */
export function fieldKind(elementType: string | undefined, key: string, inFact: boolean): FieldKind {
  if (inFact) return key === 'title' || key === 'value' ? 'markdown' : 'machine';
  if (elementType === 'TextBlock' && key === 'text') return 'markdown';
  if (elementType === 'TextRun' && key === 'text') return 'plain';
  if (elementType === 'Input.Text' && key === 'value') return 'plain';
  return PLAIN_FIELDS.has(key) ? 'plain' : 'machine';
}

/** Whether the objects at a member are the facts of a FactSet, whose title and value are markdown. */
export function holdsFacts(elementType: string | undefined, key: string): boolean {
  return key === 'facts' && elementType === 'FactSet';
}

/** Noncharacters that render.ts puts around each string of the data; never part of a card. */
export const OPEN = '\uFDD0';
export const CLOSE = '\uFDD1';
export const MARKERS = /[\uFDD0\uFDD1]/g;

/** "${" broken with an invisible joiner, so that it shows as text and is never read as a binding. */
const BROKEN_BINDING = '$\u2060{';

/** A string of the data as it enters a card: without the noncharacters that mark data, and with no "${" a template engine would read. */
export function entering(text: string): string {
  const unmarked = text.includes(OPEN) || text.includes(CLOSE) ? text.replace(MARKERS, '') : text;
  return unmarked.includes('${') ? unmarked.replace(/\$\{/g, BROKEN_BINDING) : unmarked;
}

/** Text before a part of the data that leaves it at the start of a line, or of a list item the template began ("- ${reason}"). */
export const LINE_START = /^[ \t]*(?:(?:[-+*]|\d+[.)])[ \t]+)*$/;

/** A part of the data (already `entering`) as it is shown in a markdown or a plain field. */
export function shown(part: string, kind: 'markdown' | 'plain', atLineStart: boolean): string {
  const safe = safeText(part, { markdown: kind === 'markdown', atLineStart: kind === 'markdown' && atLineStart });
  return safe.includes('${') ? safe.replace(/\$\{/g, BROKEN_BINDING) : safe;
}
