import { createAdapter, type AdapterOptions } from './host/adapter';
import { createCore } from './billing/core';
import { queueLeftoverEvents } from './billing/notify/leftoverEvents';
import { ManagerNotices } from './billing/notify/managerNotices';
import { notificationMessage } from './cards/notificationCards';
import type { AzureSignIn, Config } from './config';
import type { BillingLinkPort } from './domain/ports/billingLinks';
import type { Caller } from './domain/caller';
import { sharedDirectory, type DirectoryFactory } from './directory/factory';
import type { DirectoryPort } from './domain/ports/directory';
import { LocalDirectory } from './directory/localDirectory';
import { storedRoleOverlay } from './directory/roleOverlay';
import type { Logger } from './logger';
import { archiveFileFor, JsonLinesArchive } from './notifications/archive';
import { BotConnectorTransport } from './teams/botConnectorTransport';
import { Dispatcher } from './notifications/dispatcher';
import { startServer, type RunningServer } from './host/server';
import { openLowdbStore } from './store/lowdbStore';
import type { StateStore } from './store/port';
import { createBotApplication } from './teams/application';
import { ConversationReferences } from './teams/conversationReferences';

export interface RunningBot {
  readonly port: number;
  readonly store: StateStore;
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
  const store = await openLowdbStore(config.stateFile, { warn });
  let server: RunningServer | undefined;
  let dispatcher: Dispatcher | undefined;
  try {
    const { directories, billingLinksFor, sharedDirectory: localDirectory } = await openDirectories(config, warn, store);
    logger.info(
      { stateFile: config.stateFile, directory: config.directory, ...(config.azure ? { azureEndpoints: config.azure.endpoints } : { directoryFile: config.directoryFile }) },
      'State and directory loaded.',
    );
    const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved or announced.');
    const references = await ConversationReferences.open(store);
    const adapter = createAdapter(config.credentials, options);
    const sending = new Dispatcher({
      store,
      transport: new BotConnectorTransport(adapter, { botAppId: config.credentials?.appId ?? '', timeoutMs: config.notifications.sendTimeoutSeconds * 1000, warn }),
      addresses: references,
      render: notificationMessage,
      archive: new JsonLinesArchive(archiveFileFor(config.stateFile)),
      logger,
      settings: config.notifications,
    });
    dispatcher = sending;
    const notices = new ManagerNotices({ store, deliveries: { queued: (keys) => sending.notify(keys) }, addresses: references });
    const core = createCore({
      directoryFor: (caller: Caller): Promise<DirectoryPort> => directories.directoryFor(caller),
      ...(billingLinksFor ? { billingLinksFor } : {}),
      store,
      deliveries: { queued: (keys) => sending.notify(keys) },
      addresses: references,
      notices,
      flowTtlMs: config.flowTtlMinutes * 60_000,
      prices: config.prices,
      reportError,
      ...(config.azure ? { boughtElsewhere: azureBillingPage(config.azure.endpoints.devOpsWeb), ...azureManagerChanges(config.azure.signIn) } : {}),
    });
    const signIn = config.azure ? { settings: config.azure.signIn, required: directories.requiredSignIns } : undefined;
    const app = createBotApplication({ core, references, logger, ...(signIn ? { signIn } : {}) }, adapter);
    if (!config.credentials) {
      logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
    }
    server = await startServer({ port: config.port, adapter, app, logger });
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
  return {
    port: running.port,
    store,
    notificationsIdle: () => delivery.whenIdle(),
    stop: async () => {
      await running.close();
      await delivery.stop();
      await store.close();
    },
  };
}

interface Directories {
  readonly directories: DirectoryFactory;
  /** The one directory everybody shares (the local file), when there is one. */
  readonly sharedDirectory?: DirectoryPort;
  /** Where billing links live when not in the state file. */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
}

/**
 * The directory for each request: the local file, shared by everyone, or Azure as each signed-in
 * user sees it, with the billing links Azure DevOps holds.
 */
async function openDirectories(config: Config, warn: (message: string) => void, store: StateStore): Promise<Directories> {
  if (!config.azure) {
    const local = await LocalDirectory.open(config.directoryFile, { warn, overlay: storedRoleOverlay(store) });
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
  return { directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller) };
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
