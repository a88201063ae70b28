import type { ChangeEvent } from '../changeEvent';
import type {
  AccessFlow, AuditEntry, BillingLink, DirectoryOverlay, Flow, FlowStatus, ManagerFlow, OrganizationQuantities, OutboxEntry, PurchaseFlow, ReachRecord,
  RecordedManager, StoredConversationReference,
} from '../model';

/**
 * The store as the core sees it: a unit of work over typed repositories. `read` sees committed data
 * only; `transaction` runs its work on a private working copy and commits everything it changed in
 * one atomic write, or nothing: a throw inside (a Refused, say) leaves the store as it was.
 * Transactions on one store are serialized, so two that touch the same record never lose an update.
 *
 * Asynchronous throughout, so that a store over the network can implement it. Do the slow work
 * (directory reads, HTTP) before a transaction, not inside it: the store may hold others back while
 * it runs.
 */
export interface Store {
  read<T>(work: (tx: ReadTransaction) => Promise<T>): Promise<T>;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ReadTransaction {
  readonly links: LinkReader;
  readonly flows: FlowReader<Flow>;
  readonly purchases: FlowReader<PurchaseFlow>;
  readonly managerFlows: FlowReader<ManagerFlow>;
  readonly accessFlows: FlowReader<AccessFlow>;
  readonly quantities: QuantitiesReader;
  readonly managers: ManagerReader;
  readonly outbox: OutboxReader;
  readonly reach: ReachReader;
  readonly conversations: ConversationReader;
  readonly changeEvents: ChangeEventReader;
  readonly directoryOverlay: OverlayReader;
  readonly audit: AuditReader;
}

export interface Transaction extends ReadTransaction {
  readonly links: LinkRepository;
  readonly flows: FlowRepository<Flow>;
  readonly purchases: FlowRepository<PurchaseFlow>;
  readonly managerFlows: FlowRepository<ManagerFlow>;
  readonly accessFlows: FlowRepository<AccessFlow>;
  readonly quantities: QuantitiesRepository;
  readonly managers: ManagerRepository;
  readonly outbox: OutboxRepository;
  readonly reach: ReachRepository;
  readonly conversations: ConversationRepository;
  readonly changeEvents: ChangeEventRepository;
  readonly directoryOverlay: OverlayRepository;
  readonly audit: AuditRepository;
}

/** Billing links, by organization id. */
export interface LinkReader {
  get(organizationId: string): Promise<BillingLink | undefined>;
  /** The links paid by any of these subscriptions. */
  listBySubscriptions(subscriptionIds: ReadonlySet<string>): Promise<BillingLink[]>;
}

export interface LinkRepository extends LinkReader {
  put(link: BillingLink): Promise<void>;
  delete(organizationId: string): Promise<void>;
}

/** What every kind of flow has, whatever it is for. */
export interface StoredFlow {
  readonly id: string;
  readonly ownerId: string;
  readonly tenantId: string;
  readonly conversationId: string;
  readonly expiresAt: string;
  readonly status: FlowStatus;
  readonly finishedAt?: string;
}

export interface FlowReader<F extends StoredFlow> {
  get(flowId: string): Promise<F | undefined>;
  /** Every flow of one person that is still open (expired or not). */
  listOpenOf(ownerId: string): Promise<F[]>;
  /** Flows that ended, or expired, before `cutoff`: nobody will click them any more. */
  listEndedBefore(cutoff: Date): Promise<F[]>;
}

export interface FlowRepository<F extends StoredFlow> extends FlowReader<F> {
  put(flow: F): Promise<void>;
  delete(flowId: string): Promise<void>;
}

/** Paid quantities, by organization id; no entry means the free tier. */
export interface QuantitiesReader {
  get(organizationId: string): Promise<OrganizationQuantities | undefined>;
}

export interface QuantitiesRepository extends QuantitiesReader {
  put(organizationId: string, quantities: OrganizationQuantities): Promise<void>;
  /** Back to the free tier. */
  delete(organizationId: string): Promise<void>;
}

/** The billing managers the bot added, by organization. */
export interface ManagerReader {
  listOf(organizationId: string): Promise<RecordedManager[]>;
}

export interface ManagerRepository extends ManagerReader {
  put(organizationId: string, manager: RecordedManager): Promise<void>;
  delete(organizationId: string, principalId: string): Promise<void>;
}

/** One notification to one person, by `${event id}/${recipient id}`. */
export interface OutboxReader {
  get(key: string): Promise<OutboxEntry | undefined>;
  /** Every pending entry of one person, oldest first. */
  listPendingFor(recipientId: string): Promise<OutboxEntry[]>;
  listPending(): Promise<OutboxEntry[]>;
  listFinished(): Promise<OutboxEntry[]>;
}

export interface OutboxRepository extends OutboxReader {
  put(entry: OutboxEntry): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The last thing learned about reaching a person in Teams, by Entra object id. */
export interface ReachReader {
  get(personId: string): Promise<ReachRecord | undefined>;
}

export interface ReachRepository extends ReachReader {
  put(personId: string, record: ReachRecord): Promise<void>;
  delete(personId: string): Promise<void>;
}

/** Conversation references, by conversation id. */
export interface ConversationReader {
  get(conversationId: string): Promise<StoredConversationReference | undefined>;
  /** Every reference: for the address book's index, built once at start. */
  list(): Promise<StoredConversationReference[]>;
  /** The references of one person's conversations (by Entra object id): another instance may have saved them. */
  listByPerson(aadObjectId: string): Promise<StoredConversationReference[]>;
}

export interface ConversationRepository extends ConversationReader {
  put(reference: StoredConversationReference): Promise<void>;
  delete(conversationId: string): Promise<void>;
}

/** Changes an older version saved before telling anyone; read once at start, then cleared. */
export interface ChangeEventReader {
  list(): Promise<ChangeEvent[]>;
}

export interface ChangeEventRepository extends ChangeEventReader {
  /** Only for moving a state between stores; the core never saves a change event on its own. */
  put(event: ChangeEvent): Promise<void>;
  delete(eventId: string): Promise<void>;
}

/** The role assignments the local directory made or took back on the bot's behalf. */
export interface OverlayReader {
  get(): Promise<DirectoryOverlay>;
}

export interface OverlayRepository extends OverlayReader {
  put(overlay: DirectoryOverlay): Promise<void>;
}

export interface AuditReader {
  /** The history of one organization, oldest first. */
  listOf(organizationId: string): Promise<AuditEntry[]>;
}

export interface AuditRepository extends AuditReader {
  append(entry: AuditEntry): Promise<void>;
}

/** The disk (or the storage service) refused a write; the previous state is intact. */
export class StateWriteError extends Error {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`Could not save the bot's state to ${file}: ${cause instanceof Error ? cause.message : String(cause)}. The change was not made; check that the folder is writable and has free space.`);
    this.name = 'StateWriteError';
  }
}

/**
 * The storage service could not be reached or answered with an error while reading or writing; for a
 * transaction, nothing of it was saved. Unlike StateWriteError this is expected to pass: the user is
 * asked to try again, not to fix a disk.
 */
export class StateUnavailableError extends StateWriteError {
  constructor(where: string, cause: unknown) {
    super(where, cause);
    this.message = `The bot's state at ${where} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}. Nothing was changed; try again when the storage service answers.`;
    this.name = 'StateUnavailableError';
  }
}

/**
 * Other instances changed the same records at the same moment, again and again, and the transaction
 * gave up after retrying on fresh data a bounded number of times. Nothing of it was saved.
 */
export class StateConflictError extends StateWriteError {
  constructor(where: string, attempts: number) {
    super(where, new Error(`${attempts} attempts in a row found the records changed by another instance`));
    this.message = `Could not save a change to the bot's state at ${where}: ${attempts} attempts in a row found the same records changed by another instance meanwhile. Nothing was changed.`;
    this.name = 'StateConflictError';
  }
}
