/**
 * Text that users or the directory chose (names, typed text, reasons built from them) as it may be
 * shown in what the bot writes: never formatted, never reordered or hidden, never unbounded.
 *
 * Teams renders a subset of markdown in a TextBlock's text and in a Fact's title and value: bold and
 * italic (`**`, `*`, `_`), lists (`- `, `* `, `+ `, `1. ` at the start of a line) and links
 * (`[text](url)`, `<https://…>`). Every other field (choice titles, labels, button titles, input
 * values) is shown as plain text, so only the controls and the length are handled there.
 */

/** A name or sentence longer than this is cut, with an ellipsis: far above any the bot writes itself. */
export const MAX_TEXT_LENGTH = 1000;

export interface SafeTextOptions {
  /** Whether the text lands where Teams renders markdown (TextBlock text, Fact title and value). */
  readonly markdown: boolean;
  /** Whether the text starts a line there, where list and heading markers would take effect. */
  readonly atLineStart?: boolean;
  readonly maxLength?: number;
}

/**
 * Format characters (\p{Cf}: the bidi embeddings, overrides and isolates U+202A–U+202E and
 * U+2066–U+2069, the marks U+200E, U+200F and U+061C, the zero-width space, joiners U+200B–U+200D,
 * the word joiner U+2060 and U+FEFF, soft hyphens, tags) and control characters (\p{Cc}) other than
 * line breaks and tabs, and the noncharacters U+FDD0–U+FDEF: removed. They would let a name show in
 * another order than it is stored ("txt.exe" that reads "exe.txt"), look like another name, or hide.
 */
const INVISIBLE = /[\p{Cf}\u{FDD0}-\u{FDEF}]|(?![\t\n\r])\p{Cc}/gu;
/** Line and paragraph breaks, and tabs: a single space, so that text cannot start lines of its own. */
const BREAKS = /[\t\n\r\u2028\u2029\u0085]+/g;
const INVISIBLE_OR_BREAK = /[\p{Cf}\p{Cc}\u{FDD0}-\u{FDEF}\u2028\u2029]/u;

/** The one step every user- or directory-controlled string takes before the bot shows it. */
export function safeText(text: string, options: SafeTextOptions): string {
  const visible = INVISIBLE_OR_BREAK.test(text) ? text.replace(INVISIBLE, '').replace(BREAKS, ' ') : text;
  const plain = capped(visible, options.maxLength ?? MAX_TEXT_LENGTH);
  return options.markdown ? escapeMarkdown(plain, options.atLineStart ?? false) : plain;
}

function capped(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Whether anything in the text needs escaping at all: most names and sentences need none. */
const MARKDOWN_SIGNIFICANT = /[\\*[\]<`~_(]|:\/\/|www\./i;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Backslash-escapes what would start formatting, so that Teams shows the characters themselves. The
 * escapes are the ones Teams' renderers honour; where one shows the backslash instead, the text still
 * does not turn into a link or a list. Links need "](" together, so "(" is escaped after "]": the
 * parser of the mobile clients looks for that pair whatever comes before "[". An underscore inside a
 * word ("contoso_web") formats nothing and is left alone. "://" and "www." get an invisible word
 * joiner, so that clients that turn bare addresses into links do not do it here.
 */
export function escapeMarkdown(text: string, atLineStart: boolean): string {
  if (!MARKDOWN_SIGNIFICANT.test(text)) return atLineStart ? escapeLineStart(text) : text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    const previous = text.charAt(i - 1);
    const next = text.charAt(i + 1);
    switch (c) {
      case '\\':
        out += ASCII_PUNCTUATION.test(next) ? '\\\\' : c;
        break;
      case '*':
      case '[':
      case ']':
      case '<':
      case '`':
      case '~':
        out += `\\${c}`;
        break;
      case '_':
        out += WORD.test(previous) && WORD.test(next) ? c : '\\_';
        break;
      case '(':
        out += previous === ']' ? '\\(' : c;
        break;
      case ':':
        out += text.startsWith('//', i + 1) ? ':\u2060' : c;
        break;
      case '.':
        out += i >= 3 && text.slice(i - 3, i).toLowerCase() === 'www' ? '\u2060.' : c;
        break;
      default:
        out += c;
    }
  }
  return atLineStart ? escapeLineStart(out) : out;
}

/** A list or heading marker at the start of a line: "- ", "+ ", "# ", "> ", "1. ", "1) ". */
function escapeLineStart(text: string): string {
  const lead = /^ */.exec(text)?.[0].length ?? 0;
  const first = text.charAt(lead);
  if (first === '-' || first === '+' || first === '#' || first === '>') return `${text.slice(0, lead)}\\${text.slice(lead)}`;
  const number = /^\d+[.)]/.exec(text.slice(lead));
  if (number) {
    const end = lead + number[0].length - 1;
    return `${text.slice(0, end)}\\${text.slice(end)}`;
  }
  return text;
}
