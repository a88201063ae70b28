import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import type { AdapterOptions } from './host/adapter';
import type { Config } from './config';
import type { ComposedTurns, Directories, SharedState } from './composeTurns';
import { sharedDirectory } from './directory/factory';
import { LocalDirectory } from './directory/localDirectory';
import { storedRoleOverlay } from './directory/roleOverlay';
import type { Logger } from './logger';
import { startServer, type RunningServer, type TurnHandling } from './host/server';
import { openLowdbStore } from './store/lowdbStore';
import type { StateStore } from './store/port';
import type { Store } from './domain/ports/store';

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
 *
 * What can refuse the start (the state file, the directory file) is opened before the server
 * listens, so that a bad one stops the start with its message. The parts only a turn needs
 * (composeTurns.ts: the Bot Framework adapter, teams-ai, the billing core, most of the modules the
 * bot loads) are loaded and built after it listens; a turn that arrives meanwhile waits for them.
 * The returned promise resolves once turns are served and delivery has started.
 */
export async function startBot(config: Config, logger: Logger, options: BotOptions = {}): Promise<RunningBot> {
  const warn = (message: string): void => logger.warn(message);
  const { store, fileStore, shared } = await openStateStore(config, logger);
  let server: RunningServer | undefined;
  let turns: ComposedTurns | undefined;
  try {
    // Beside the state file, the one folder the bot owns: where it keeps the directory as last checked.
    const checkedCopy = fileStore ? path.join(path.dirname(path.resolve(config.stateFile)), DIRECTORY_CHECKED_COPY) : undefined;
    const directories = await openDirectories(config, warn, store, checkedCopy);
    logger.info(
      { ...(fileStore ? { stateFile: config.stateFile } : { stateStore: config.stateStore.kind }), directory: config.directory, ...(config.azure ? { azureEndpoints: config.azure.endpoints } : { directoryFile: config.directoryFile }) },
      'State and directory loaded.',
    );
    if (!config.credentials) {
      logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
    }
    const ready = turnsGate();
    server = await startServer({ port: config.port, turns: ready.turns, logger });
    try {
      const { composeTurns } = await loadTurnModules();
      turns = composeTurns({ config, logger, options, store, shared, directories });
    } catch (error) {
      ready.failed(error);
      throw error;
    }
    ready.open(turns);
    logger.info('Turns are answered from now on.');
    await turns.finishStart();
  } catch (error) {
    await server?.close();
    await turns?.delivery.stop();
    await store.close();
    throw error;
  }
  const running = server;
  const { delivery, whenReferencesSaved } = turns;
  return {
    port: running.port,
    store,
    fileStore,
    notificationsIdle: () => delivery.whenIdle(),
    stop: async () => {
      await running.close();
      await whenReferencesSaved();
      await delivery.stop();
      await store.close();
    },
  };
}

/**
 * composeTurns.ts and the modules it needs, loaded in a few steps with the event loop let run
 * between them: loading a module is synchronous, and these are about a second of it (the Bot
 * Framework connector, botbuilder, teams-ai with the dialogs library it loads), so a health probe or
 * a connection that arrives meanwhile is taken in between steps rather than after it all.
 */
async function loadTurnModules(): Promise<typeof import('./composeTurns')> {
  await import('botframework-connector');
  await setImmediate();
  await import('botbuilder');
  await setImmediate();
  await import('./teams/application.js');
  await setImmediate();
  return import('./composeTurns.js');
}

/**
 * The turn handling the server waits for while it is built. A failure to build it is answered to
 * the requests waiting (the start then stops), and is not an unhandled rejection when none waits.
 */
function turnsGate(): { readonly turns: Promise<TurnHandling>; open(turns: TurnHandling): void; failed(error: unknown): void } {
  let open!: (turns: TurnHandling) => void;
  let failed!: (error: unknown) => void;
  const turns = new Promise<TurnHandling>((resolve, reject) => {
    open = resolve;
    failed = reject;
  });
  turns.catch(() => undefined);
  return { turns, open, failed };
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
  readonly shared: SharedState | undefined;
}

/** The file beside the state file that holds the local directory as last checked (directory/checkedCopy.ts). */
const DIRECTORY_CHECKED_COPY = 'directory.checked.json';

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
