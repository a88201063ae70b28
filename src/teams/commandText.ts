/**
 * Reduces what the user typed to the words a command is matched against. Teams wraps text in HTML
 * and may leave the @mention's remains or non-breaking spaces around it. Every pattern here runs in
 * linear time: a message is untrusted input, and a backtracking pattern would let one message stall
 * the bot.
 */
export function commandText(raw: string | undefined): string {
  if (!raw) return '';
  // Every command's matcher asks about the same message; a long one is reduced once.
  if (raw === last.raw) return last.reduced;
  const words = raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    // Control characters would only garble the hint that echoes unknown text back.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\s\u00a0\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .trim();
  const reduced = withoutTrailingPunctuation(words).trim();
  last = { raw, reduced };
  return reduced;
}

let last = { raw: '', reduced: '' };

/** "help!" and "status?" are commands too. A loop, since /[.!?]+$/ backtracks quadratically. */
function withoutTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && '.!?'.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}
