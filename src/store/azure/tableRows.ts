/**
 * How the state is laid out in one Azure table. One table, because an entity-group transaction
 * (`submitTransaction`) covers one table and one partition: everything a change to an organization
 * writes (its link, paid quantities, managers, audit entries and the outbox entries that tell its
 * billing managers) shares the partition `org|<organization id>`, so it commits in one request.
 * Flows and what the bot knows about reaching a person live in the person's partition
 * `user|<object id>`; conversation references in `conv|<conversation id>`.
 *
 * A few lookups by something other than the partition go through small index partitions, written
 * before the records they point to and checked against them on every read (see IndexRow).
 */

/** One stored record: the value as JSON in `data`, plus the fields queries filter on. */
export interface StateRow {
  readonly partitionKey: string;
  readonly rowKey: string;
  /** The record as JSON; empty for a tombstone (a deleted record kept for its ETag). */
  readonly data: string;
  readonly status?: string;
  readonly endsAt?: string;
  readonly recipientId?: string;
}

/** Table keys may not hold / \ # ? or control characters; percent-encoding leaves none, and keeps `|` for our separators. */
export function keyPart(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const PARTITION = {
  organization: (organizationId: string): string => `org|${keyPart(organizationId)}`,
  person: (personId: string): string => `user|${keyPart(personId)}`,
  conversation: (conversationId: string): string => `conv|${keyPart(conversationId)}`,
  /** Index: which person owns a flow. */
  flowOwner: (family: string, flowId: string): string => `flowowner|${family}|${keyPart(flowId)}`,
  /**
   * Index: which organization's partition holds an outbox entry, one row per entry (row key: the
   * entry's key), grouped by the change the key starts with, so a change's index rows go in one batch.
   */
  outboxEntry: (key: string): string => `outboxkey|${keyPart(key.split('/')[0] ?? key)}`,
  /** Index: the organizations one subscription pays for (may name some it no longer pays for). */
  subscriptionLinks: (subscriptionId: string): string => `sublinks|${keyPart(subscriptionId)}`,
  /** Index: the outbox entries still pending, so that the deliverer's look at them reads only those. */
  pendingOutbox: 'outboxpending',
  /** Index: the conversations of one person (by Entra object id). */
  personChats: (personId: string): string => `personchats|${keyPart(personId)}`,
  changeEvents: 'changeevents',
  global: 'global',
} as const;

export const ROW = {
  link: 'link',
  quantities: 'quantities',
  manager: (principalId: string): string => `manager|${keyPart(principalId)}`,
  managerPrefix: 'manager|',
  /** Sorted by time, then by the order appended within one transaction. */
  audit: (at: string, sequence: number, id: string): string => `audit|${keyPart(at)}|${String(sequence).padStart(4, '0')}|${keyPart(id)}`,
  auditPrefix: 'audit|',
  outbox: (key: string): string => `outbox|${keyPart(key)}`,
  outboxPrefix: 'outbox|',
  flow: (family: string, flowId: string): string => `${family}|${keyPart(flowId)}`,
  flowPrefix: (family: string): string => `${family}|`,
  reach: 'reach',
  conversation: 'ref',
  index: 'index',
  changeEvent: (eventId: string): string => keyPart(eventId),
  directoryOverlay: 'directoryoverlay',
} as const;

/** The first key after every key that starts with `prefix`: for range queries. */
export function afterPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export function isTombstone(row: StateRow): boolean {
  return row.data === '';
}

export function rowOf(partitionKey: string, rowKey: string, value: unknown, fields: Omit<StateRow, 'partitionKey' | 'rowKey' | 'data'> = {}): StateRow {
  return { partitionKey, rowKey, data: JSON.stringify(value), ...fields };
}

export function valueOf<T>(row: StateRow): T {
  return JSON.parse(row.data) as T;
}

/** An index row: the key of the record it points to. */
export interface IndexTarget {
  readonly key: string;
}

/** Reads a row back from what the Table service returned, ignoring the service's own properties. */
export function stateRowFrom(entity: Readonly<Record<string, unknown>>): StateRow {
  const text = (name: string): string | undefined => (typeof entity[name] === 'string' ? (entity[name] as string) : undefined);
  const status = text('status');
  const endsAt = text('endsAt');
  const recipientId = text('recipientId');
  return {
    partitionKey: text('partitionKey') ?? '',
    rowKey: text('rowKey') ?? '',
    data: text('data') ?? '',
    ...(status !== undefined ? { status } : {}),
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(recipientId !== undefined ? { recipientId } : {}),
  };
}
