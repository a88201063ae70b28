import type { AuditEntry, BillingLink, OrganizationQuantities, OutboxEntry, RecordedManager } from '../../domain/model';
import type { AuditRepository, LinkRepository, ManagerRepository, OutboxRepository, QuantitiesRepository } from '../../domain/ports/store';
import { acrossPartitions, inPartition, wholePartition, type RowQuery } from './queries';
import { keyPart, PARTITION, ROW, rowOf, valueOf, type IndexTarget } from './tableRows';
import type { TableSession } from './tableSession';

/**
 * The records kept in an organization's partition (`org|<organization id>`): what one change to
 * the organization writes, so that it commits in one entity-group transaction.
 */

export function linkRows(session: TableSession): LinkRepository {
  const get = async (organizationId: string): Promise<BillingLink | undefined> => {
    const row = await session.get(PARTITION.organization(organizationId), ROW.link);
    return row ? valueOf<BillingLink>(row) : undefined;
  };
  return {
    get,
    listBySubscriptions: async (subscriptionIds) => {
      const found = new Map<string, BillingLink>();
      for (const subscriptionId of subscriptionIds) {
        const index = wholePartition(PARTITION.subscriptionLinks(subscriptionId));
        for (const row of await session.query(index.filter, index.keep)) {
          // The index may name organizations this subscription no longer pays for: the link decides.
          const organizationId = valueOf<IndexTarget>(row).key;
          const link = await get(organizationId);
          if (link && subscriptionIds.has(link.subscriptionId)) found.set(organizationId, link);
        }
      }
      return [...found.values()];
    },
    put: async (link) => {
      session.indexAhead(rowOf(PARTITION.subscriptionLinks(link.subscriptionId), keyPart(link.organizationId), { key: link.organizationId } satisfies IndexTarget));
      session.put(rowOf(PARTITION.organization(link.organizationId), ROW.link, link));
    },
    delete: (organizationId) => session.retire(PARTITION.organization(organizationId), ROW.link),
  };
}

export function quantitiesRows(session: TableSession): QuantitiesRepository {
  return {
    get: async (organizationId) => {
      const row = await session.get(PARTITION.organization(organizationId), ROW.quantities);
      return row ? valueOf<OrganizationQuantities>(row) : undefined;
    },
    put: async (organizationId, quantities) => session.put(rowOf(PARTITION.organization(organizationId), ROW.quantities, quantities)),
    delete: (organizationId) => session.retire(PARTITION.organization(organizationId), ROW.quantities),
  };
}

export function managerRows(session: TableSession): ManagerRepository {
  return {
    listOf: async (organizationId) => valuesOf<RecordedManager>(session, inPartition(PARTITION.organization(organizationId), ROW.managerPrefix)),
    put: async (organizationId, manager) => session.put(rowOf(PARTITION.organization(organizationId), ROW.manager(manager.principalId), manager)),
    delete: (organizationId, principalId) => session.retire(PARTITION.organization(organizationId), ROW.manager(principalId)),
  };
}

export function auditRows(session: TableSession): AuditRepository {
  let appended = 0;
  return {
    listOf: async (organizationId) => valuesOf<AuditEntry>(session, inPartition(PARTITION.organization(organizationId), ROW.auditPrefix)),
    append: async (entry) => {
      session.put(rowOf(PARTITION.organization(entry.organizationId), ROW.audit(entry.at, appended, entry.id), entry));
      appended += 1;
    },
  };
}

/**
 * Outbox entries sit in the partition of the organization their change is about, beside the change.
 * A key names the organization through an index row, and the pending ones are listed in one index
 * partition. Finished entries are found by reading every organization's outbox rows: only the
 * deliverer's archive does that, every ten seconds at most.
 */
export function outboxRows(session: TableSession): OutboxRepository {
  const organizationOf = async (key: string): Promise<string | undefined> => {
    const index = await session.get(PARTITION.outboxEntry(key), keyPart(key));
    return index ? valueOf<IndexTarget>(index).key : undefined;
  };
  const get = async (key: string): Promise<OutboxEntry | undefined> => {
    const organizationId = await organizationOf(key);
    if (organizationId === undefined) return undefined;
    const row = await session.get(PARTITION.organization(organizationId), ROW.outbox(key));
    if (row) return valueOf<OutboxEntry>(row);
    // Committed inside a change too large for one transaction, and not written out on its own yet.
    const carried = (await session.journalRows(PARTITION.organization(organizationId))).find((journaled) => journaled.rowKey === ROW.outbox(key));
    return carried ? valueOf<OutboxEntry>(carried) : undefined;
  };
  const pendingIndex = wholePartition(PARTITION.pendingOutbox);
  const listPending = async (): Promise<OutboxEntry[]> => {
    const found: OutboxEntry[] = [];
    for (const row of await session.query(pendingIndex.filter, pendingIndex.keep)) {
      // The index may name entries whose commit failed, or that were sent since: the entry decides.
      const entry = await get(valueOf<IndexTarget>(row).key);
      if (entry?.status === 'pending') found.push(entry);
    }
    return oldestFirst(found);
  };
  return {
    get,
    listPendingFor: async (recipientId) => (await listPending()).filter((entry) => entry.recipientId === recipientId),
    listPending,
    listFinished: async () => {
      const delivered = await valuesOf<OutboxEntry>(session, acrossPartitions(ROW.outboxPrefix, 'status', 'eq', 'delivered'));
      const failed = await valuesOf<OutboxEntry>(session, acrossPartitions(ROW.outboxPrefix, 'status', 'eq', 'failed'));
      return [...delivered, ...failed];
    },
    put: async (entry) => {
      const organizationId = (await organizationOf(entry.key)) ?? entry.event.organization.id;
      session.indexAhead(rowOf(PARTITION.outboxEntry(entry.key), keyPart(entry.key), { key: organizationId } satisfies IndexTarget));
      session.put(rowOf(PARTITION.organization(organizationId), ROW.outbox(entry.key), entry, { status: entry.status, recipientId: entry.recipientId }));
      if (entry.status === 'pending') session.indexAhead(rowOf(PARTITION.pendingOutbox, keyPart(entry.key), { key: entry.key } satisfies IndexTarget));
      else await session.delete(PARTITION.pendingOutbox, keyPart(entry.key));
    },
    delete: async (key) => {
      const organizationId = await organizationOf(key);
      if (organizationId === undefined || !(await get(key))) return;
      await session.delete(PARTITION.organization(organizationId), ROW.outbox(key));
      await session.delete(PARTITION.outboxEntry(key), keyPart(key));
      await session.delete(PARTITION.pendingOutbox, keyPart(key));
    },
  };
}

async function valuesOf<T>(session: TableSession, query: RowQuery): Promise<T[]> {
  return (await session.query(query.filter, query.keep)).map((row) => valueOf<T>(row));
}

function oldestFirst(entries: OutboxEntry[]): OutboxEntry[] {
  return entries
    .map((entry) => ({ entry, at: Date.parse(entry.createdAt) }))
    .sort((a, b) => a.at - b.at)
    .map(({ entry }) => entry);
}
