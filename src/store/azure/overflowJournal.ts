import { randomUUID } from 'node:crypto';
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { statusOf } from './tableErrors';
import { ROW, type StateRow } from './tableRows';

/** The most operations one entity-group transaction may hold. */
export const MAX_BATCH = 100;
/** One string property holds at most 64 KiB (32K UTF-16 characters); stay below. */
const CHUNK = 30_000;
export const OVERFLOW_PREFIX = 'overflow|';

/**
 * A change that tells more people than one entity-group transaction can hold (100 records) still
 * commits in one: the outbox entries beyond the first ones travel inside it as one journal row,
 * and are written as rows of their own right after. A reader that finds an entry's row missing looks
 * in the journals of the organization's partition, so a crash in between loses none of them.
 */
export interface SplitBatch {
  readonly batch: TransactionAction[];
  readonly overflow: TableEntity<Record<string, string>>[];
  readonly journalRowKey: string | undefined;
}

/** Fits the commit point's writes into one transaction, moving new outbox rows into a journal if needed. */
export function splitForOneTransaction(partitionKey: string, actions: TransactionAction[]): SplitBatch | undefined {
  if (actions.length <= MAX_BATCH) return { batch: actions, overflow: [], journalRowKey: undefined };
  const movable = (action: TransactionAction): boolean => (action[0] === 'create' || action[0] === 'upsert') && action[1].rowKey.startsWith(ROW.outboxPrefix);
  const fixed = actions.filter((action) => !movable(action));
  const outbox = actions.filter(movable);
  const room = MAX_BATCH - 1 - fixed.length;
  if (room < 0) return undefined;
  const overflow = outbox.slice(room).map((action) => action[1] as TableEntity<Record<string, string>>);
  const journalRowKey = `${OVERFLOW_PREFIX}${randomUUID()}`;
  const text = JSON.stringify(overflow);
  const parts: Record<string, string> = {};
  for (let index = 0; index * CHUNK < text.length; index += 1) parts[`part${index}`] = text.slice(index * CHUNK, (index + 1) * CHUNK);
  const journal: TransactionAction = ['create', { partitionKey, rowKey: journalRowKey, data: '[journal]', ...parts }];
  return { batch: [...fixed, ...outbox.slice(0, room), journal], overflow, journalRowKey };
}

/** After the commit: the journal's rows as rows of their own (each only if absent), then the journal goes. */
export async function applyJournal(table: TableClient, partitionKey: string, journalRowKey: string, rows: readonly TableEntity<Record<string, string>>[]): Promise<void> {
  for (const row of rows) {
    try {
      await table.createEntity(row);
    } catch (error) {
      // Already there: the deliverer recorded an attempt on it first, and that record is newer.
      if (statusOf(error) !== 409) throw error;
    }
  }
  await table.deleteEntity(partitionKey, journalRowKey);
}

/** The rows a journal row carries. */
export function rowsInJournal(entity: Readonly<Record<string, unknown>>): StateRow[] {
  let text = '';
  for (let index = 0; typeof entity[`part${index}`] === 'string'; index += 1) text += entity[`part${index}`] as string;
  const rows = JSON.parse(text) as unknown;
  return Array.isArray(rows) ? (rows as StateRow[]) : [];
}
