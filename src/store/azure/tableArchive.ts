import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { OutboxEntry } from '../../domain/model';
import { MAX_BATCH } from './overflowJournal';
import { keyPart } from './tableRows';

/**
 * Finished notifications moved out of the outbox, kept in the state table by month of their
 * creation (`archive|2026-12`), so that every instance's history is in one place. Writing one again
 * replaces it: a crash between archiving and removing from the outbox repeats nothing.
 */
export class TableArchive {
  constructor(private readonly table: TableClient) {}

  async append(entries: readonly OutboxEntry[]): Promise<void> {
    const byMonth = new Map<string, TransactionAction[]>();
    for (const entry of entries) {
      const partitionKey = `archive|${entry.createdAt.slice(0, 7)}`;
      const action: TransactionAction = ['upsert', { partitionKey, rowKey: keyPart(entry.key), data: JSON.stringify(entry) }, 'Replace'];
      byMonth.set(partitionKey, [...(byMonth.get(partitionKey) ?? []), action]);
    }
    for (const actions of byMonth.values()) {
      for (let start = 0; start < actions.length; start += MAX_BATCH) await this.table.submitTransaction(actions.slice(start, start + MAX_BATCH));
    }
  }
}
