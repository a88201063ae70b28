import type { ChangeEvent } from '../domain/changeEvent';
import type {
  AccessFlow, AuditEntry, BillingLink, DirectoryOverlay, Flow, ManagerFlow, OrganizationQuantities, OutboxEntry, PurchaseFlow, ReachRecord, RecordedManager,
  StoredConversationReference,
} from '../domain/model';
import type { Store, Transaction } from '../domain/ports/store';
import type { BotState } from './state';

/**
 * A whole state as one JSON document, the same whichever store it came from, so that a state can
 * move between the file store and the Azure store (`npm run state -- export FILE`, `import FILE`).
 * Every collection is in a fixed order: exporting the same state twice gives the same bytes.
 */
export const STATE_EXPORT_FORMAT = 'devops-billing-bot/state';

export interface StateExport {
  readonly format: typeof STATE_EXPORT_FORMAT;
  readonly version: 1;
  readonly links: BillingLink[];
  readonly flows: Flow[];
  readonly purchases: PurchaseFlow[];
  readonly managerFlows: ManagerFlow[];
  readonly accessFlows: AccessFlow[];
  readonly quantities: { readonly organizationId: string; readonly quantities: OrganizationQuantities }[];
  readonly managers: { readonly organizationId: string; readonly manager: RecordedManager }[];
  /** Per organization, oldest first. */
  readonly audit: AuditEntry[];
  readonly outbox: OutboxEntry[];
  readonly reach: { readonly personId: string; readonly record: ReachRecord }[];
  readonly conversations: StoredConversationReference[];
  readonly changeEvents: ChangeEvent[];
  readonly directoryOverlay: DirectoryOverlay;
}

export type CollectionCounts = Readonly<Record<Exclude<keyof StateExport, 'format' | 'version' | 'directoryOverlay'>, number>>;

/** The parts of a document, in any order: `canonical` puts them in the document's order. */
export type StateParts = Omit<StateExport, 'format' | 'version'>;

export function canonical(parts: StateParts): StateExport {
  const by = <T>(key: (item: T) => string) => (items: readonly T[]): T[] => [...items].sort((a, b) => compare(key(a), key(b)));
  // Audit entries keep their order within an organization (a stable sort by organization only).
  const audit = [...parts.audit].sort((a, b) => compare(a.organizationId, b.organizationId));
  return {
    format: STATE_EXPORT_FORMAT,
    version: 1,
    links: by<BillingLink>((link) => link.organizationId)(parts.links),
    flows: by<Flow>((flow) => flow.id)(parts.flows),
    purchases: by<PurchaseFlow>((flow) => flow.id)(parts.purchases),
    managerFlows: by<ManagerFlow>((flow) => flow.id)(parts.managerFlows),
    accessFlows: by<AccessFlow>((flow) => flow.id)(parts.accessFlows),
    quantities: by<StateParts['quantities'][number]>((entry) => entry.organizationId)(parts.quantities),
    managers: by<StateParts['managers'][number]>((entry) => `${entry.organizationId}\n${entry.manager.principalId}`)(parts.managers),
    audit,
    outbox: by<OutboxEntry>((entry) => entry.key)(parts.outbox),
    reach: by<StateParts['reach'][number]>((entry) => entry.personId)(parts.reach),
    conversations: by<StoredConversationReference>((reference) => reference.conversationId)(parts.conversations),
    changeEvents: by<ChangeEvent>((event) => event.id)(parts.changeEvents),
    directoryOverlay: {
      granted: [...parts.directoryOverlay.granted],
      revoked: [...parts.directoryOverlay.revoked],
      ...(parts.directoryOverlay.accessLevels ? { accessLevels: [...parts.directoryOverlay.accessLevels] } : {}),
    },
  };
}

/** The document of a state the file (or memory) store holds whole. */
export function exportOfState(state: Readonly<BotState>): StateExport {
  return canonical({
    links: Object.values(state.links),
    flows: Object.values(state.flows),
    purchases: Object.values(state.purchases),
    managerFlows: Object.values(state.managerFlows),
    accessFlows: Object.values(state.accessFlows),
    quantities: Object.entries(state.quantities).map(([organizationId, quantities]) => ({ organizationId, quantities })),
    managers: Object.entries(state.managers).flatMap(([organizationId, recorded]) => Object.values(recorded).map((manager) => ({ organizationId, manager }))),
    audit: [...state.audit],
    outbox: Object.values(state.outbox),
    reach: Object.entries(state.reach).map(([personId, record]) => ({ personId, record })),
    conversations: Object.values(state.conversations),
    changeEvents: Object.values(state.changeEvents),
    directoryOverlay: state.directoryOverlay,
  });
}

export function countsOf(document: StateExport): CollectionCounts {
  return {
    links: document.links.length,
    flows: document.flows.length,
    purchases: document.purchases.length,
    managerFlows: document.managerFlows.length,
    accessFlows: document.accessFlows.length,
    quantities: document.quantities.length,
    managers: document.managers.length,
    audit: document.audit.length,
    outbox: document.outbox.length,
    reach: document.reach.length,
    conversations: document.conversations.length,
    changeEvents: document.changeEvents.length,
  };
}

/** Records written per transaction: well inside one entity-group transaction of the Azure store. */
const CHUNK = 40;

/**
 * Writes a document into a store through the port, replacing records with the same keys, so that
 * importing the same document twice leaves the same state (audit entries already there are skipped).
 * Returns the count of records per collection in the document.
 */
export async function importInto(store: Store, document: StateExport): Promise<CollectionCounts> {
  const inChunks = async <T>(items: readonly T[], write: (tx: Transaction, item: T) => Promise<void>): Promise<void> => {
    for (let start = 0; start < items.length; start += CHUNK) {
      await store.transaction(async (tx) => {
        for (const item of items.slice(start, start + CHUNK)) await write(tx, item);
      });
    }
  };
  await inChunks(document.links, (tx, link) => tx.links.put(link));
  await inChunks(document.flows, (tx, flow) => tx.flows.put(flow));
  await inChunks(document.purchases, (tx, flow) => tx.purchases.put(flow));
  await inChunks(document.managerFlows, (tx, flow) => tx.managerFlows.put(flow));
  await inChunks(document.accessFlows, (tx, flow) => tx.accessFlows.put(flow));
  await inChunks(document.quantities, (tx, entry) => tx.quantities.put(entry.organizationId, entry.quantities));
  await inChunks(document.managers, (tx, entry) => tx.managers.put(entry.organizationId, entry.manager));
  for (const organizationId of new Set(document.audit.map((entry) => entry.organizationId))) {
    const present = new Set((await store.read((tx) => tx.audit.listOf(organizationId))).map((entry) => entry.id));
    await inChunks(document.audit.filter((entry) => entry.organizationId === organizationId && !present.has(entry.id)), (tx, entry) => tx.audit.append(entry));
  }
  await inChunks(document.outbox, (tx, entry) => tx.outbox.put(entry));
  await inChunks(document.reach, (tx, entry) => tx.reach.put(entry.personId, entry.record));
  await inChunks(document.conversations, (tx, reference) => tx.conversations.put(reference));
  await inChunks(document.changeEvents, (tx, event) => tx.changeEvents.put(event));
  await store.transaction((tx) => tx.directoryOverlay.put(document.directoryOverlay));
  return countsOf(document);
}

/** Checks what a file claims to be before anything is written from it. */
export function parseStateExport(text: string, file: string): StateExport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}). Give a file written by "npm run state -- export".`);
  }
  const document = value as Partial<Record<keyof StateExport, unknown>> | null;
  if (typeof document !== 'object' || document === null || document.format !== STATE_EXPORT_FORMAT || document.version !== 1) {
    throw new Error(`${file} is not a state export (format "${STATE_EXPORT_FORMAT}", version 1). Give a file written by "npm run state -- export".`);
  }
  const lists: (keyof CollectionCounts)[] = ['links', 'flows', 'purchases', 'managerFlows', 'accessFlows', 'quantities', 'managers', 'audit', 'outbox', 'reach', 'conversations', 'changeEvents'];
  const broken = lists.filter((name) => !Array.isArray(document[name]));
  const overlay = document.directoryOverlay as Partial<DirectoryOverlay> | undefined;
  if (broken.length > 0 || !overlay || !Array.isArray(overlay.granted) || !Array.isArray(overlay.revoked)) {
    throw new Error(`${file} is damaged: ${[...broken, ...(overlay && Array.isArray(overlay.granted) && Array.isArray(overlay.revoked) ? [] : ['directoryOverlay'])].join(', ')} ${broken.length === 1 ? 'is' : 'are'} not what an export writes. Nothing was imported.`);
  }
  return document as StateExport;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
