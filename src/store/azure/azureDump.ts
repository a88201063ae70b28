import type { TableClient } from '@azure/data-tables';
import type { ChangeEvent } from '../../domain/changeEvent';
import type {
  AccessFlow, AuditEntry, BillingLink, DirectoryOverlay, Flow, ManagerFlow, OrganizationQuantities, OutboxEntry, PurchaseFlow, ReachRecord, RecordedManager,
  StoredConversationReference,
} from '../../domain/model';
import { canonical, type StateExport, type StateParts } from '../stateTransfer';
import { OVERFLOW_PREFIX, rowsInJournal } from './overflowJournal';
import { isTombstone, ROW, stateRowFrom, valueOf, type StateRow } from './tableRows';

/**
 * The whole state in the Azure table, as one export document: every row read once. Only the
 * `npm run state -- export` tool does this; the bot itself never reads the whole table.
 */
export async function dumpAzureState(table: TableClient): Promise<StateExport> {
  const rows = new Map<string, StateRow>();
  const journaled: StateRow[] = [];
  for await (const entity of table.listEntities<Record<string, unknown>>()) {
    const row = stateRowFrom(entity);
    if (row.rowKey.startsWith(OVERFLOW_PREFIX)) journaled.push(...rowsInJournal(entity));
    else if (!isTombstone(row)) rows.set(`${row.partitionKey}\n${row.rowKey}`, row);
  }
  // Outbox entries committed inside a large change and not yet written on their own.
  for (const row of journaled) if (!rows.has(`${row.partitionKey}\n${row.rowKey}`)) rows.set(`${row.partitionKey}\n${row.rowKey}`, row);

  const parts: { -readonly [K in keyof StateParts]: StateParts[K] } = {
    links: [], flows: [], purchases: [], managerFlows: [], accessFlows: [], quantities: [], managers: [], audit: [], outbox: [], reach: [], conversations: [], changeEvents: [],
    directoryOverlay: { granted: [], revoked: [] },
  };
  for (const row of [...rows.values()].sort((a, b) => compare(a.partitionKey, b.partitionKey) || compare(a.rowKey, b.rowKey))) {
    const [kind, encoded] = splitPartition(row.partitionKey);
    const id = encoded === undefined ? '' : decodeURIComponent(encoded);
    if (kind === 'org') {
      if (row.rowKey === ROW.link) parts.links.push(valueOf<BillingLink>(row));
      else if (row.rowKey === ROW.quantities) parts.quantities.push({ organizationId: id, quantities: valueOf<OrganizationQuantities>(row) });
      else if (row.rowKey.startsWith(ROW.managerPrefix)) parts.managers.push({ organizationId: id, manager: valueOf<RecordedManager>(row) });
      else if (row.rowKey.startsWith(ROW.auditPrefix)) parts.audit.push(valueOf<AuditEntry>(row));
      else if (row.rowKey.startsWith(ROW.outboxPrefix)) parts.outbox.push(valueOf<OutboxEntry>(row));
    } else if (kind === 'user') {
      if (row.rowKey === ROW.reach) parts.reach.push({ personId: id, record: valueOf<ReachRecord>(row) });
      else if (row.rowKey.startsWith(ROW.flowPrefix('flow'))) parts.flows.push(valueOf<Flow>(row));
      else if (row.rowKey.startsWith(ROW.flowPrefix('purchase'))) parts.purchases.push(valueOf<PurchaseFlow>(row));
      else if (row.rowKey.startsWith(ROW.flowPrefix('managerflow'))) parts.managerFlows.push(valueOf<ManagerFlow>(row));
      else if (row.rowKey.startsWith(ROW.flowPrefix('accessflow'))) parts.accessFlows.push(valueOf<AccessFlow>(row));
    } else if (kind === 'conv') parts.conversations.push(valueOf<StoredConversationReference>(row));
    else if (kind === 'changeevents') parts.changeEvents.push(valueOf<ChangeEvent>(row));
    else if (kind === 'global' && row.rowKey === ROW.directoryOverlay) parts.directoryOverlay = valueOf<DirectoryOverlay>(row);
    // Everything else is an index or the archive of sent notifications: not part of the state.
  }
  return canonical(parts);
}

function splitPartition(partitionKey: string): [string, string | undefined] {
  const at = partitionKey.indexOf('|');
  return at < 0 ? [partitionKey, undefined] : [partitionKey.slice(0, at), partitionKey.slice(at + 1)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
