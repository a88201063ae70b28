import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { ConcurrencyConflict, isConcurrencyConflict, unavailable } from './tableErrors';
import type { StateRow } from './tableRows';
import type { PendingWrite, TableSession } from './tableSession';
import { applyJournal, MAX_BATCH, splitForOneTransaction } from './overflowJournal';


/** What the commit could not finish after its commit point; the store logs it. */
export interface AfterCommitProblem {
  readonly partitionKey: string;
  readonly error: unknown;
}

/**
 * Commits a session's writes. The partition of the organization a change is about (or, without
 * one, the partition with the most records written) is the commit point: its writes go in ONE
 * entity-group transaction, every update If-Match the ETag read and every new record create-if-absent,
 * so a writer that raced it makes it fail whole (ConcurrencyConflict) and the transaction runs again.
 *
 * Writes to other partitions (the flow in its owner's partition, a person's reach record, ended
 * flows swept away) follow the commit point, one transaction per partition. They cannot undo it: a
 * failure there is returned, and the store logs it. The use cases keep that harmless: what decides
 * a race (the link, the paid quantities, a manager record) is always in the organization's partition.
 */
export async function commitSession(table: TableClient, session: TableSession, where: string): Promise<AfterCommitProblem[]> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const write of session.pendingWrites) {
    const action = actionFor(session, write);
    if (!action) continue;
    const partitionKey = action[1].partitionKey;
    byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), action]);
  }
  if (byPartition.size === 0) return [];
  const [first, ...rest] = [...byPartition.entries()].sort(commitPointFirst);
  await writeIndexRows(table, session.indexRows, where);
  const [primaryKey, primaryActions] = first as [string, TransactionAction[]];
  const split = splitForOneTransaction(primaryKey, primaryActions);
  if (!split) {
    throw unavailable(where, new Error(`one change would write ${primaryActions.length} records other than notifications to partition ${primaryKey}, more than the ${MAX_BATCH} one transaction may hold`));
  }
  await submit(table, split.batch, where, true);
  const problems: AfterCommitProblem[] = [];
  if (split.journalRowKey !== undefined) {
    await applyJournal(table, primaryKey, split.journalRowKey, split.overflow).catch((error: unknown) => problems.push({ partitionKey: primaryKey, error }));
  }
  for (const [partitionKey, actions] of rest) {
    for (let start = 0; start < actions.length; start += MAX_BATCH) {
      try {
        await submit(table, actions.slice(start, start + MAX_BATCH), where, false);
      } catch (error) {
        problems.push({ partitionKey, error });
      }
    }
  }
  return problems;
}

function actionFor(session: TableSession, write: PendingWrite): TransactionAction | undefined {
  const partitionKey = write.kind === 'put' ? write.row.partitionKey : write.partitionKey;
  const rowKey = write.kind === 'put' ? write.row.rowKey : write.rowKey;
  const seen = session.seenRow(partitionKey, rowKey);
  switch (write.kind) {
    case 'put': {
      const entity = entityOf(write.row);
      if (!seen) return ['upsert', entity, 'Replace'];
      if (seen.etag === undefined) return ['create', entity];
      return ['update', entity, 'Replace', { etag: seen.etag }];
    }
    case 'retire':
      if (seen?.etag === undefined) return undefined;
      return ['update', { partitionKey, rowKey, data: '' }, 'Replace', { etag: seen.etag }];
    case 'delete':
      if (seen && seen.etag === undefined) return undefined;
      return ['delete', { partitionKey, rowKey }];
  }
}

/** The organization's partition first; else the one with the most records written. */
function commitPointFirst(a: [string, TransactionAction[]], b: [string, TransactionAction[]]): number {
  const organization = (key: string): number => (key.startsWith('org|') ? 1 : 0);
  const puts = (actions: TransactionAction[]): number => actions.filter(([kind]) => kind !== 'delete').length;
  return organization(b[0]) - organization(a[0]) || puts(b[1]) - puts(a[1]) || b[1].length - a[1].length;
}

/** Index rows, a batch per partition (and per 100), the partitions side by side. */
async function writeIndexRows(table: TableClient, rows: readonly StateRow[], where: string): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const row of rows) byPartition.set(row.partitionKey, [...(byPartition.get(row.partitionKey) ?? []), ['upsert', entityOf(row), 'Replace']]);
  const batches = [...byPartition.values()].flatMap((actions) => Array.from({ length: Math.ceil(actions.length / MAX_BATCH) }, (_, index) => actions.slice(index * MAX_BATCH, (index + 1) * MAX_BATCH)));
  try {
    for (let start = 0; start < batches.length; start += INDEX_WRITES_AT_ONCE) {
      await Promise.all(batches.slice(start, start + INDEX_WRITES_AT_ONCE).map((batch) => (batch.length === 1 ? submitOne(table, batch[0] as TransactionAction) : table.submitTransaction(batch))));
    }
  } catch (error) {
    throw unavailable(where, error);
  }
}

const INDEX_WRITES_AT_ONCE = 8;

async function submit(table: TableClient, actions: TransactionAction[], where: string, commitPoint: boolean): Promise<void> {
  try {
    if (actions.length === 1) await submitOne(table, actions[0] as TransactionAction);
    else await table.submitTransaction(actions);
  } catch (error) {
    if (isConcurrencyConflict(error)) throw new ConcurrencyConflict(error);
    throw commitPoint ? unavailable(where, error) : error;
  }
}

/** One operation needs no batch; the single request is cheaper and means the same. */
async function submitOne(table: TableClient, [kind, entity, mode, options]: TransactionAction): Promise<void> {
  switch (kind) {
    case 'create':
      await table.createEntity(entity);
      return;
    case 'delete':
      await table.deleteEntity(entity.partitionKey, entity.rowKey);
      return;
    case 'update':
      await table.updateEntity(entity, mode ?? 'Replace', options);
      return;
    case 'upsert':
      await table.upsertEntity(entity, mode ?? 'Replace');
      return;
  }
}

function entityOf(row: StateRow): TableEntity<Record<string, string>> {
  const { partitionKey, rowKey, ...fields } = row;
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) if (typeof value === 'string') properties[name] = value;
  return { partitionKey, rowKey, ...properties };
}
