import path from 'node:path';
import { createAdapter, type AdapterOptions } from './host/adapter';
import { createCore } from './billing/core';
import { queueLeftoverEvents } from './billing/notify/leftoverEvents';
import { ManagerNotices } from './billing/notify/managerNotices';
import { notificationDigest, notificationMessage } from './cards/notificationCards';
import type { AzureSignIn, Config } from './config';
import type { ActualChargesPort } from './domain/ports/actualCharges';
import type { BillingLinkPort } from './domain/ports/billingLinks';
import type { Caller } from './domain/caller';
import { sharedDirectory, type DirectoryFactory } from './directory/factory';
import type { DirectoryPort } from './domain/ports/directory';
import { LocalDirectory } from './directory/localDirectory';
import { storedRoleOverlay } from './directory/roleOverlay';
import type { Logger } from './logger';
import { archiveFileFor, JsonLinesArchive, type NotificationArchive } from './notifications/archive';
import { ElectedDelivery } from './notifications/electedDelivery';
import type { Leases, SerialRuns } from './domain/ports/leases';
import type { Deliveries } from './domain/ports/notifications';
import { BotConnectorTransport } from './teams/botConnectorTransport';
import { Dispatcher } from './notifications/dispatcher';
import { startServer, type RunningServer } from './host/server';
import { openLowdbStore } from './store/lowdbStore';
import type { StateStore } from './store/port';
import type { Store } from './domain/ports/store';
import { createBotApplication } from './teams/application';
import { ConversationReferences } from './teams/conversationReferences';

export interface RunningBot {
  readonly port: number;
  readonly store: Store;
  /** The file store's whole state, for tests that look inside it; undefined on a shared store. */
  readonly fileStore: StateStore | undefined;
  /** Resolves when no notification is pending or being sent. */
  notificationsIdle(): Promise<void>;
  /**
   * Stops accepting, lets in-flight turns, sends and writes finish, and releases the state file.
   * Notifications not sent yet stay pending and go out after the next start.
   */
  stop(): Promise<void>;
}

/** What a test may put in place of a real part; the process itself passes none of it. */
export type BotOptions = AdapterOptions;

/**
 * Builds every part from the configuration and starts serving: the one place that constructs
 * infrastructure. `src/index.ts` runs it as a process; tests run it in-process on a free port.
 */
export async function startBot(config: Config, logger: Logger, options: BotOptions = {}): Promise<RunningBot> {
  const warn = (message: string): void => logger.warn(message);
  const { store, fileStore, shared } = await openStateStore(config, logger);
  let server: RunningServer | undefined;
  let dispatcher: Delivery | undefined;
  let lateSaves: (() => Promise<void>) | undefined;
  try {
    // Beside the state file, the one folder the bot owns: where it keeps the directory as last checked.
    const checkedCopy = fileStore ? path.join(path.dirname(path.resolve(config.stateFile)), DIRECTORY_CHECKED_COPY) : undefined;
    const { directories, billingLinksFor, actualChargesFor, sharedDirectory: localDirectory } = await openDirectories(config, warn, store, checkedCopy);
    logger.info(
      { ...(fileStore ? { stateFile: config.stateFile } : { stateStore: config.stateStore.kind }), directory: config.directory, ...(config.azure ? { azureEndpoints: config.azure.endpoints } : { directoryFile: config.directoryFile }) },
      'State and directory loaded.',
    );
    const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved or announced.');
    // Read once the server is up (below): only notifications and reach forecasts need them all.
    const references = ConversationReferences.unread(store, () => new Date(), {
      maxAgeMs: config.limits.conversationMaxAgeDays * 24 * 60 * 60 * 1000,
      reportError: (error) => logger.warn({ err: error }, 'Old conversation references could not be removed; they are tried again in an hour.'),
      reportLateSave: (error) => logger.warn({ err: error }, 'Could not save the conversation reference; proactive messages may not reach this conversation.'),
    });
    lateSaves = () => references.whenSaved();
    const adapter = createAdapter(config.credentials, options);
    const makeDispatcher = (): Dispatcher =>
      new Dispatcher({
        store,
        transport: new BotConnectorTransport(adapter, { botAppId: config.credentials?.appId ?? '', timeoutMs: config.notifications.sendTimeoutSeconds * 1000, warn }),
        addresses: references,
        render: notificationMessage,
        renderTogether: notificationDigest,
        archive: shared?.archive ?? new JsonLinesArchive(archiveFileFor(config.stateFile)),
        logger,
        settings: { ...config.notifications, coalesceMs: config.notifications.coalesceSeconds * 1000 },
      });
    const sending: Delivery = shared
      ? new ElectedDelivery({
          lease: shared.leases.lease('notification-delivery', DELIVERY_LEASE_SECONDS),
          leaseMs: DELIVERY_LEASE_SECONDS * 1000,
          store,
          startDispatcher: () => {
            const started = makeDispatcher();
            started.start();
            return started;
          },
          refreshAddresses: (people) => references.refresh(people),
          logger,
        })
      : makeDispatcher();
    dispatcher = sending;
    const notices = new ManagerNotices({ store, deliveries: sending, addresses: references });
    const core = createCore({
      directoryFor: (caller: Caller): Promise<DirectoryPort> => directories.directoryFor(caller),
      ...(billingLinksFor ? { billingLinksFor } : {}),
      ...(actualChargesFor ? { actualChargesFor } : {}),
      store,
      deliveries: sending,
      addresses: references,
      notices,
      ...(shared ? { perSubscription: shared.perSubscription, sweepsHere: () => (sending instanceof ElectedDelivery ? sending.isLeader : true) } : {}),
      flowTtlMs: config.flowTtlMinutes * 60_000,
      perPersonPerMinute: { starts: config.limits.flowStartsPerMinute, clicks: config.limits.cardClicksPerMinute },
      prices: config.prices,
      inactiveDays: config.inactiveDays,
      reportError,
      ...(config.azure ? { boughtElsewhere: azureBillingPage(config.azure.endpoints.devOpsWeb), ...azureManagerChanges(config.azure.signIn) } : {}),
    });
    const signIn = config.azure ? { settings: config.azure.signIn, required: directories.requiredSignIns } : undefined;
    const app = createBotApplication({ core, references, logger, ...(signIn ? { signIn } : {}) }, adapter);
    if (!config.credentials) {
      logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
    }
    server = await startServer({ port: config.port, adapter, app, logger });
    // Turns are answered from here on; a turn that needs every reference (a forecast of who is
    // told) waits for this read, and delivery starts after it.
    await references.load();
    // Changes an older version saved without queuing them go out now, as do pending notifications.
    const recovered = localDirectory ? await queueLeftoverEvents(store, notices, localDirectory) : 0;
    sending.start();
    if (recovered > 0) logger.info({ recovered }, 'Queued the notifications of changes saved before the last stop.');
  } catch (error) {
    await server?.close();
    await dispatcher?.stop();
    await store.close();
    throw error;
  }
  const running = server;
  const delivery = dispatcher;
  const saved = lateSaves;
  return {
    port: running.port,
    store,
    fileStore,
    notificationsIdle: () => delivery.whenIdle(),
    stop: async () => {
      await running.close();
      await saved?.();
      await delivery.stop();
      await store.close();
    },
  };
}

/**
 * The journaled state file (one process), or Azure Table Storage shared by several instances. The
 * Azure SDK is loaded only when it is used.
 */
async function openStateStore(config: Config, logger: Logger): Promise<OpenedState> {
  const settings = config.stateStore;
  if (settings.kind === 'file') {
    const fileStore = await openLowdbStore(config.stateFile, { warn: (message) => logger.warn(message), readAfterStart: true });
    return { store: fileStore, fileStore, shared: undefined };
  }
  const [{ openAzureStore }, { BlobLeases }, { LeasedRuns }, { containerClientFor }] = await Promise.all([
    import('./store/azure/azureStore.js'),
    import('./store/azure/blobLeases.js'),
    import('./store/azure/leasedRuns.js'),
    import('./store/azure/storageAccount.js'),
  ]);
  const store = await openAzureStore(settings, { warn: (fields, message) => logger.warn(fields, message) });
  const leases = new BlobLeases(containerClientFor(settings.account, settings.leaseContainer));
  return { store, fileStore: undefined, shared: { leases, perSubscription: new LeasedRuns(leases), archive: store.archive } };
}

interface OpenedState {
  readonly store: Store;
  readonly fileStore: StateStore | undefined;
  /** What instances sharing one state need besides the store; absent on the file, which has one instance. */
  readonly shared: { readonly leases: Leases; readonly perSubscription: SerialRuns; readonly archive: NotificationArchive } | undefined;
}

/** Delivery as the bot starts and stops it: one dispatcher, or the one the instances elect. */
type Delivery = Deliveries & { start(): void; stop(): Promise<void>; whenIdle(): Promise<void> };

/** The file beside the state file that holds the local directory as last checked (directory/checkedCopy.ts). */
const DIRECTORY_CHECKED_COPY = 'directory.checked.json';

/** How long a killed deliverer keeps the others waiting, at most (Azure allows 15 to 60 seconds). */
const DELIVERY_LEASE_SECONDS = 15;

interface Directories {
  readonly directories: DirectoryFactory;
  /** The one directory everybody shares (the local file), when there is one. */
  readonly sharedDirectory?: DirectoryPort;
  /** Where billing links live when not in the state file. */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
  /** Where the month's actual charges are read, when there is a bill to read (Azure Cost Management). */
  readonly actualChargesFor?: (caller: Caller) => Promise<ActualChargesPort>;
}

/**
 * The directory for each request: the local file, shared by everyone, or Azure as each signed-in
 * user sees it, with the billing links Azure DevOps holds.
 */
async function openDirectories(config: Config, warn: (message: string) => void, store: Store, checkedCopy: string | undefined): Promise<Directories> {
  if (!config.azure) {
    const local = await LocalDirectory.open(config.directoryFile, { warn, overlay: storedRoleOverlay(store), ...(checkedCopy ? { checkedCopy } : {}) });
    return { directories: sharedDirectory(local), sharedDirectory: local };
  }
  // Loaded only here: the Azure SDK clients are a start-up cost a bot on the local directory never needs.
  const { AzureBackend } = await import('./directory/azure/azureDirectoryFactory.js');
  const backend = new AzureBackend({
    endpoints: config.azure.endpoints,
    http: config.azure.http,
    billingWrites: config.azure.billingWrites,
    peopleSearch: config.azure.signIn.graphConnection !== undefined,
  });
  return {
    directories: backend,
    billingLinksFor: async (caller) => backend.billingLinksFor(caller),
    actualChargesFor: async (caller) => backend.actualChargesFor(caller),
  };
}

/** Where billing managers are added and removed with DIRECTORY=azure without a Microsoft Graph connection, as "add manager" names it. */
const AZURE_ACCESS_CONTROL =
  "the Azure portal (open the subscription that pays for the organization, then Access control (IAM) → Add role assignment, Owner or Contributor), or ask whoever runs this bot to set AZURE_GRAPH_CONNECTION_NAME so that I can search them";

/** With DIRECTORY=azure, managers are added and removed here only when people can be searched in Microsoft Graph. */
export function azureManagerChanges(signIn: Pick<AzureSignIn, 'graphConnection'>): { changedElsewhere: string } | { peopleSearch: true } {
  return signIn.graphConnection === undefined ? { changedElsewhere: AZURE_ACCESS_CONTROL } : { peopleSearch: true };
}

/** Where an organization's paid quantities are bought in Azure DevOps, as "buy" names it. */
function azureBillingPage(web: string): string {
  return `your organization's Organization settings → Billing page in Azure DevOps (${web}/YOUR-ORGANIZATION/_settings/billing)`;
}
