import { odata } from '@azure/data-tables';
import { afterPrefix, type StateRow } from './tableRows';

/**
 * A query as the service runs it (an OData filter) and as a session checks its own unsaved rows
 * against it: the two must say the same.
 */
export interface RowQuery {
  readonly filter: string;
  readonly keep: (row: StateRow) => boolean;
}

/** Rows of one partition whose row key starts with `prefix`. */
export function inPartition(partitionKey: string, prefix: string): RowQuery {
  const end = afterPrefix(prefix);
  return {
    filter: odata`PartitionKey eq ${partitionKey} and RowKey ge ${prefix} and RowKey lt ${end}`,
    keep: (row) => row.partitionKey === partitionKey && row.rowKey.startsWith(prefix),
  };
}

/** Every row of one partition. */
export function wholePartition(partitionKey: string): RowQuery {
  return { filter: odata`PartitionKey eq ${partitionKey}`, keep: (row) => row.partitionKey === partitionKey };
}

/** Rows of every partition whose key starts with `partitionPrefix`. */
export function inPartitionsStartingWith(partitionPrefix: string): RowQuery {
  const end = afterPrefix(partitionPrefix);
  return {
    filter: odata`PartitionKey ge ${partitionPrefix} and PartitionKey lt ${end}`,
    keep: (row) => row.partitionKey.startsWith(partitionPrefix),
  };
}

/**
 * Rows of one kind (by row key prefix) across every partition, narrowed by a field the service
 * filters on. The service reads every partition for it: kept for background work (the leader's
 * outbox, the sweep of ended flows), never on a user's request path unless noted.
 */
export function acrossPartitions(prefix: string, field: 'status' | 'endsAt' | 'recipientId', operator: 'eq' | 'lt', value: string): RowQuery {
  const end = afterPrefix(prefix);
  return {
    filter: `${odata`RowKey ge ${prefix} and RowKey lt ${end}`} and ${field} ${operator} ${quoted(value)}`,
    keep: (row) => {
      const actual = row[field];
      return row.rowKey.startsWith(prefix) && actual !== undefined && (operator === 'eq' ? actual === value : actual < value);
    },
  };
}

/** Both conditions. */
export function both(a: RowQuery, b: RowQuery): RowQuery {
  return { filter: `(${a.filter}) and (${b.filter})`, keep: (row) => a.keep(row) && b.keep(row) };
}

/** A string literal in an OData filter: quoted, with quotes inside doubled. */
function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
