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

/**
 * Ids travel on into the bot's replies, in URL paths and HTTP headers, where anything but printable
 * ASCII makes the reply fail. Ids from Teams are printable ASCII and far shorter than this.
 */
const MAX_ID_LENGTH = 1024;
const PRINTABLE_ASCII = /^[\u0020-\u007e]+$/;

/** Returns what is wrong with `body` as an activity, or undefined when its shape is usable. */
export function activityShapeProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'The request body must be a Bot Framework activity (a JSON object).';
  for (const path of REQUIRED_TEXT_FIELDS) {
    const value = path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), body);
    const name = path.join('.');
    if (typeof value !== 'string' || value.trim() === '') {
      return `The activity has no ${name}; every activity needs it as a non-empty string.`;
    }
    if (value.length > MAX_ID_LENGTH || !PRINTABLE_ASCII.test(value)) {
      return `The activity's ${name} is not one Teams would send: it must be printable ASCII, at most ${MAX_ID_LENGTH} characters.`;
    }
  }
  if (!isWebAddress(body.serviceUrl)) return "The activity's serviceUrl must be an http or https address.";
  for (const optional of ['text', 'name', 'channelId', 'id', 'locale']) {
    const value = body[optional];
    if (value !== undefined && value !== null && typeof value !== 'string') return `The activity's ${optional} must be a string.`;
  }
  return accountsProblem(body) ?? entitiesProblem(body);
}

/**
 * A reply carries the incoming conversation and accounts back, and the Bot Connector client refuses
 * to send one whose fields have the wrong type; so they are checked on the way in.
 */
function accountsProblem(body: Record<string, unknown>): string | undefined {
  for (const part of ['conversation', 'from', 'recipient']) {
    const account = body[part] as Record<string, unknown>;
    for (const field of ['name', 'aadObjectId', 'role', 'conversationType', 'tenantId']) {
      const value = account[field];
      if (value !== undefined && value !== null && typeof value !== 'string') return `The activity's ${part}.${field} must be a string.`;
    }
    const isGroup = account.isGroup;
    if (isGroup !== undefined && isGroup !== null && typeof isGroup !== 'boolean') return `The activity's ${part}.isGroup must be true or false.`;
  }
  for (const list of ['membersAdded', 'membersRemoved']) {
    const members = body[list];
    if (members === undefined) continue;
    if (!Array.isArray(members) || !members.every((m) => isRecord(m) && typeof m.id === 'string')) {
      return `The activity's ${list} must be a list of accounts, each with an id.`;
    }
  }
  return undefined;
}

/** botbuilder reads every entity's type, and each mention's account and text, without checking them. */
function entitiesProblem(body: Record<string, unknown>): string | undefined {
  const entities = body.entities;
  if (entities === undefined) return undefined;
  if (!Array.isArray(entities)) return "The activity's entities must be a list.";
  for (const entity of entities) {
    if (!isRecord(entity) || typeof entity.type !== 'string') return 'Every entity of the activity needs a type (a string).';
    if (entity.type.toLowerCase() !== 'mention') continue;
    if (!isRecord(entity.mentioned) || typeof entity.mentioned.id !== 'string' || typeof entity.text !== 'string') {
      return "Every mention needs the mentioned account's id and the mention's text (strings).";
    }
    if (typeof body.text !== 'string') return 'An activity with a mention needs text.';
  }
  return undefined;
}

function isWebAddress(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
