import type { ChangeEvent } from '../domain/changeEvent';
import type { AuditEntry, DirectoryOverlay, OutboxEntry, RecordedManager } from '../domain/model';
import type { FlowRepository, StoredFlow, Transaction } from '../domain/ports/store';
import { valuesWhere } from './keyedDraft';
import { entryOf, putEntry } from './records';
import type { BotState } from './state';

/**
 * The typed repositories of the store port over the state: over a draft inside a transaction (each
 * write lands in the draft, which the store commits whole or not at all), or over the committed
 * state for a read. The only code outside the store's own internals that knows the state's layout.
 *
 * Values handed out are copies where the state is a draft, and the committed objects themselves for
 * a read; the port types them read-only, and a caller changes a record by putting a new one.
 */
export function repositoriesOver(state: BotState, elsewhere: HeldElsewhere = ALL_IN_MEMORY): Transaction {
  const conversationsRead = (): Promise<void> => elsewhere.collectionRead('conversations');
  return {
    links: {
      get: async (organizationId) => entryOf(state.links, organizationId),
      listBySubscriptions: async (ids) => valuesWhere(state.links, (link) => ids.has(link.subscriptionId)),
      put: async (link) => putEntry(state.links, link.organizationId, link),
      delete: async (organizationId) => {
        if (entryOf(state.links, organizationId)) delete state.links[organizationId];
      },
    },
    flows: flowRepository(state.flows),
    purchases: flowRepository(state.purchases),
    managerFlows: flowRepository(state.managerFlows),
    accessFlows: flowRepository(state.accessFlows),
    quantities: {
      get: async (organizationId) => entryOf(state.quantities, organizationId),
      put: async (organizationId, quantities) => putEntry(state.quantities, organizationId, quantities),
      delete: async (organizationId) => {
        if (entryOf(state.quantities, organizationId)) delete state.quantities[organizationId];
      },
    },
    managers: {
      listOf: async (organizationId) => Object.values(entryOf(state.managers, organizationId) ?? {}),
      put: async (organizationId, manager) => {
        const recorded: Record<string, RecordedManager> = { ...(entryOf(state.managers, organizationId) ?? {}) };
        putEntry(recorded, manager.principalId, manager);
        putEntry(state.managers, organizationId, recorded);
      },
      delete: async (organizationId, principalId) => {
        const current = entryOf(state.managers, organizationId);
        if (!current || !entryOf(current, principalId)) return;
        const recorded: Record<string, RecordedManager> = { ...current };
        delete recorded[principalId];
        putEntry(state.managers, organizationId, recorded);
      },
    },
    outbox: {
      get: async (key) => entryOf(state.outbox, key),
      listPendingFor: async (recipientId) => oldestFirst(valuesWhere(state.outbox, (e) => e.recipientId === recipientId && e.status === 'pending', { field: 'recipientId', value: recipientId })),
      listPending: async () => oldestFirst(valuesWhere(state.outbox, (e) => e.status === 'pending')),
      listFinished: async () => valuesWhere(state.outbox, (e) => e.status !== 'pending'),
      put: async (entry) => putEntry(state.outbox, entry.key, entry),
      delete: async (key) => {
        if (entryOf(state.outbox, key)) delete state.outbox[key];
      },
    },
    reach: {
      get: async (personId) => entryOf(state.reach, personId),
      put: async (personId, record) => putEntry(state.reach, personId, record),
      delete: async (personId) => {
        if (entryOf(state.reach, personId)) delete state.reach[personId];
      },
    },
    conversations: {
      get: async (conversationId) => {
        await conversationsRead();
        return entryOf(state.conversations, conversationId);
      },
      list: async () => {
        await conversationsRead();
        return Object.values(state.conversations);
      },
      listByPerson: async (aadObjectId) => {
        await conversationsRead();
        return valuesWhere(state.conversations, (reference) => reference.aadObjectId === aadObjectId, { field: 'aadObjectId', value: aadObjectId });
      },
      put: async (reference) => {
        await conversationsRead();
        putEntry(state.conversations, reference.conversationId, reference);
      },
      delete: async (conversationId) => {
        await conversationsRead();
        if (entryOf(state.conversations, conversationId)) delete state.conversations[conversationId];
      },
    },
    changeEvents: {
      list: async (): Promise<ChangeEvent[]> => Object.values(state.changeEvents),
      put: async (event) => putEntry(state.changeEvents, event.id, event),
      delete: async (eventId) => {
        if (entryOf(state.changeEvents, eventId)) delete state.changeEvents[eventId];
      },
    },
    directoryOverlay: {
      get: async (): Promise<DirectoryOverlay> => state.directoryOverlay,
      put: async (overlay) => {
        state.directoryOverlay = {
          granted: [...overlay.granted],
          revoked: [...overlay.revoked],
          ...(overlay.accessLevels ? { accessLevels: [...overlay.accessLevels] } : {}),
        };
      },
    },
    audit: {
      listOf: async (organizationId) => {
        const before = (await elsewhere.savedBefore('audit')) as AuditEntry[];
        return [...before, ...state.audit].filter((entry) => entry.organizationId === organizationId);
      },
      append: async (entry) => {
        state.audit.push(entry);
      },
    },
  };
}

/** How the repositories reach what a store does not hold in memory (see READ_AFTER_START). */
export interface HeldElsewhere {
  /** Resolves once a collection can be used: at once, or when its lines have been read; rejects when they could not be. */
  readonly collectionRead: (collection: string) => Promise<void>;
  /** What an append-only collection held before the start, when the state holds only what was added since. */
  readonly savedBefore: (collection: string) => Promise<unknown[]>;
}

const ALL_IN_MEMORY: HeldElsewhere = { collectionRead: async () => undefined, savedBefore: async () => [] };

function flowRepository<F extends StoredFlow>(flows: Record<string, F>): FlowRepository<F> {
  return {
    get: async (flowId) => entryOf(flows, flowId),
    listOpenOf: async (ownerId) => valuesWhere(flows, (flow) => flow.ownerId === ownerId && flow.status === 'open', { field: 'ownerId', value: ownerId }),
    listEndedBefore: async (cutoff) => {
      const limit = cutoff.getTime();
      return valuesWhere(flows, (flow) => Date.parse(flow.status === 'open' ? flow.expiresAt : (flow.finishedAt ?? flow.expiresAt)) < limit);
    },
    put: async (flow) => putEntry(flows, flow.id, flow),
    delete: async (flowId) => {
      if (entryOf(flows, flowId)) delete flows[flowId];
    },
  };
}

function oldestFirst(entries: OutboxEntry[]): OutboxEntry[] {
  return entries
    .map((entry) => ({ entry, at: Date.parse(entry.createdAt) }))
    .sort((a, b) => a.at - b.at)
    .map(({ entry }) => entry);
}
