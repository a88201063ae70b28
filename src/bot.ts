import { createAdapter, type AdapterOptions } from './adapter';
import { BillingService } from './billing/billingService';
import { ManagerService } from './billing/managerService';
import { notificationMessage } from './cards/notificationCards';
import { QuantitiesService } from './billing/quantitiesService';
import type { Config } from './config';
import { LocalDirectory } from './directory/localDirectory';
import { storedRoleOverlay } from './directory/roleOverlay';
import type { Logger } from './logger';
import { archiveFileFor, JsonLinesArchive } from './notifications/archive';
import { BotConnectorTransport } from './notifications/botConnectorTransport';
import { Dispatcher } from './notifications/dispatcher';
import { Notifier } from './notifications/notifier';
import { startServer, type RunningServer } from './server';
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
    const directory = await LocalDirectory.open(config.directoryFile, { warn, overlay: storedRoleOverlay(store) });
    logger.info({ stateFile: config.stateFile, directoryFile: config.directoryFile }, 'State and directory loaded.');
    const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved or announced.');
    const references = new ConversationReferences(store);
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
    const notifier = new Notifier({ directory, store, addresses: references, wake: () => sending.notify(), reportError });
    const flowTtlMs = config.flowTtlMinutes * 60_000;
    const billing = new BillingService({ directory, store, flowTtlMs, prices: config.prices, listener: notifier, reportError });
    const quantities = new QuantitiesService({ directory, store, billing, flowTtlMs, prices: config.prices, listener: notifier, reportError });
    const managers = new ManagerService({ directory, store, flowTtlMs, listener: notifier, reportError });
    const app = createBotApplication({ billing, quantities, managers, references, logger }, adapter);
    if (!config.credentials) {
      logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
    }
    server = await startServer({ port: config.port, adapter, app, logger });
    // Changes saved just before a crash, and notifications it left pending, go out now.
    const recovered = await notifier.recover();
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
