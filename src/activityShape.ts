/**
 * The fields every activity from Teams carries and the bot relies on. Checked before the adapter sees
 * the request, so a malformed activity gets a 400 naming the field instead of failing deep inside.
 */
const REQUIRED_TEXT_FIELDS: readonly (readonly string[])[] = [
  ['type'],
  ['serviceUrl'],
  ['conversation', 'id'],
  ['from', 'id'],
  ['recipient', 'id'],
];

/** Returns what is wrong with `body` as an activity, or undefined when its shape is usable. */
export function activityShapeProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'The request body must be a Bot Framework activity (a JSON object).';
  for (const path of REQUIRED_TEXT_FIELDS) {
    const value = path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), body);
    if (typeof value !== 'string' || value.trim() === '') {
      return `The activity has no ${path.join('.')}; every activity needs it as a non-empty string.`;
    }
  }
  for (const optional of ['text', 'name', 'channelId']) {
    const value = body[optional];
    if (value !== undefined && value !== null && typeof value !== 'string') return `The activity's ${optional} must be a string.`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
