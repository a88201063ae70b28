import type { TableClient } from '@azure/data-tables';
import { isTombstone, stateRowFrom, type StateRow } from './tableRows';
import { statusOf, unavailable } from './tableErrors';
import { OVERFLOW_PREFIX, rowsInJournal } from './overflowJournal';
import { inPartition } from './queries';

/** What one attempt of a transaction saw of a row: its ETag and value, or that it was absent. */
export interface SeenRow {
  readonly etag: string | undefined;
  readonly row: StateRow | undefined;
}

export type PendingWrite =
  | { readonly kind: 'put'; readonly row: StateRow }
  /** Deleted outright: for records nobody races for (ended flows, sent notifications, references). */
  | { readonly kind: 'delete'; readonly partitionKey: string; readonly rowKey: string }
  /** Replaced by a tombstone, conditional on the ETag read: for records two writers may race for. */
  | { readonly kind: 'retire'; readonly partitionKey: string; readonly rowKey: string };

function keyOf(partitionKey: string, rowKey: string): string {
  return `${partitionKey}\n${rowKey}`;
}

/**
 * One attempt of one transaction (or one read): remembers the ETag of every row it read, keeps its
 * writes aside until the commit, and answers its own reads with its own writes laid over what the
 * service returned, as a transaction on the embedded stores sees its own draft.
 */
export class TableSession {
  private readonly seen = new Map<string, SeenRow>();
  private readonly writes = new Map<string, PendingWrite>();
  private readonly ahead = new Map<string, StateRow>();

  constructor(
    private readonly table: TableClient,
    private readonly where: string,
  ) {}

  async get(partitionKey: string, rowKey: string): Promise<StateRow | undefined> {
    const key = keyOf(partitionKey, rowKey);
    const written = this.writes.get(key);
    if (written) return written.kind === 'put' ? written.row : undefined;
    const indexed = this.ahead.get(key);
    if (indexed) return indexed;
    const seen = this.seen.get(key) ?? (await this.fetch(partitionKey, rowKey));
    return seen.row && !isTombstone(seen.row) ? seen.row : undefined;
  }

  /**
   * Rows the service returns for `filter`, with this session's writes laid over them: `keep` says
   * which of its own written rows the filter would have returned.
   */
  async query(filter: string, keep: (row: StateRow) => boolean): Promise<StateRow[]> {
    const found = new Map<string, StateRow>();
    try {
      for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        const row = stateRowFrom(entity);
        const key = keyOf(row.partitionKey, row.rowKey);
        const seen = this.seen.get(key) ?? this.remember(key, typeof entity.etag === 'string' ? entity.etag : undefined, row);
        if (seen.row && !isTombstone(seen.row)) found.set(key, seen.row);
      }
    } catch (error) {
      throw unavailable(this.where, error);
    }
    for (const [key, row] of this.ahead) if (keep(row)) found.set(key, row);
    for (const [key, write] of this.writes) {
      if (write.kind === 'put' && keep(write.row)) found.set(key, write.row);
      else found.delete(key);
    }
    return [...found.values()].sort((a, b) => compare(a.partitionKey, b.partitionKey) || compare(a.rowKey, b.rowKey));
  }

  /** The rows carried by the overflow journals of one partition (see overflowJournal.ts). */
  async journalRows(partitionKey: string): Promise<StateRow[]> {
    const query = inPartition(partitionKey, OVERFLOW_PREFIX);
    const rows: StateRow[] = [];
    try {
      for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: query.filter } })) rows.push(...rowsInJournal(entity));
    } catch (error) {
      throw unavailable(this.where, error);
    }
    return rows;
  }

  put(row: StateRow): void {
    this.writes.set(keyOf(row.partitionKey, row.rowKey), { kind: 'put', row });
  }

  /** Deletes the row if it exists, whoever changed it since. */
  async delete(partitionKey: string, rowKey: string): Promise<void> {
    this.ahead.delete(keyOf(partitionKey, rowKey));
    if (await this.get(partitionKey, rowKey)) this.writes.set(keyOf(partitionKey, rowKey), { kind: 'delete', partitionKey, rowKey });
  }

  /** Deletes the row if it exists, and only if nobody changed it since this session read it. */
  async retire(partitionKey: string, rowKey: string): Promise<void> {
    if (await this.get(partitionKey, rowKey)) this.writes.set(keyOf(partitionKey, rowKey), { kind: 'retire', partitionKey, rowKey });
  }

  /**
   * An index row to write before the commit, so that the rows it points to are never without it; a
   * reader checks what it points to, so an index row whose transaction then failed misleads nobody.
   */
  indexAhead(row: StateRow): void {
    const key = keyOf(row.partitionKey, row.rowKey);
    this.writes.delete(key);
    this.ahead.set(key, row);
  }

  get pendingWrites(): readonly PendingWrite[] {
    return [...this.writes.values()];
  }

  get indexRows(): readonly StateRow[] {
    return [...this.ahead.values()];
  }

  seenRow(partitionKey: string, rowKey: string): SeenRow | undefined {
    return this.seen.get(keyOf(partitionKey, rowKey));
  }

  private async fetch(partitionKey: string, rowKey: string): Promise<SeenRow> {
    const key = keyOf(partitionKey, rowKey);
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(partitionKey, rowKey);
      return this.remember(key, entity.etag, stateRowFrom(entity));
    } catch (error) {
      if (statusOf(error) === 404) return this.remember(key, undefined, undefined);
      throw unavailable(this.where, error);
    }
  }

  private remember(key: string, etag: string | undefined, row: StateRow | undefined): SeenRow {
    const seen = { etag, row };
    this.seen.set(key, seen);
    return seen;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
