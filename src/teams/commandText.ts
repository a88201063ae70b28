/**
 * Reduces what the user typed to the words a command is matched against. Teams wraps text in HTML
 * and may leave the @mention's remains or non-breaking spaces around it.
 */
export function commandText(raw: string | undefined): string {
  if (!raw) return '';
  return raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .replace(/[.!?]+$/, '')
    .trim();
}
