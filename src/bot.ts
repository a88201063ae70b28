import { createAdapter, type AdapterOptions } from './adapter';
import { BillingService } from './billing/billingService';
import { QuantitiesService } from './billing/quantitiesService';
import type { Config } from './config';
import type { BillingLinkPort } from './billingLinks/port';
import type { Caller } from './billing/views';
import { AzureBackend } from './directory/azure/azureDirectoryFactory';
import { sharedDirectory, type DirectoryFactory } from './directory/factory';
import type { DirectoryPort } from './directory/port';
import { LocalDirectory } from './directory/localDirectory';
import type { Logger } from './logger';
import { startServer, type RunningServer } from './server';
import { openLowdbStore } from './store/lowdbStore';
import type { StateStore } from './store/port';
import { createBotApplication } from './teams/application';
import { ConversationReferences } from './teams/conversationReferences';

export interface RunningBot {
  readonly port: number;
  readonly store: StateStore;
  /** Stops accepting, lets in-flight turns and writes finish, and releases the state file. */
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
  const { directories, billingLinksFor } = await openDirectories(config, warn);
  const store = await openLowdbStore(config.stateFile, { warn });
  let server: RunningServer | undefined;
  try {
    logger.info(
      { stateFile: config.stateFile, directory: config.directory, ...(config.azure ? { azureEndpoints: config.azure.endpoints } : { directoryFile: config.directoryFile }) },
      'State and directory loaded.',
    );
    const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved.');
    const flowTtlMs = config.flowTtlMinutes * 60_000;
    const directoryFor = (caller: Caller): Promise<DirectoryPort> => directories.directoryFor(caller);
    const billing = new BillingService({ directoryFor, ...(billingLinksFor ? { billingLinksFor } : {}), store, flowTtlMs, prices: config.prices, reportError });
    const quantities = new QuantitiesService({
      directoryFor,
      store,
      billing,
      flowTtlMs,
      prices: config.prices,
      reportError,
      ...(config.azure ? { boughtElsewhere: azureBillingPage(config.azure.endpoints.devOpsWeb) } : {}),
    });
    const references = new ConversationReferences(store);
    const adapter = createAdapter(config.credentials, options);
    const signIn = config.azure ? { settings: config.azure.signIn, required: directories.requiredSignIns } : undefined;
    const app = createBotApplication({ billing, quantities, references, logger, ...(signIn ? { signIn } : {}) }, adapter);
    if (!config.credentials) {
      logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
    }
    server = await startServer({ port: config.port, adapter, app, logger });
  } catch (error) {
    await store.close();
    throw error;
  }
  const running = server;
  return {
    port: running.port,
    store,
    stop: async () => {
      await running.close();
      await store.close();
    },
  };
}

interface Directories {
  readonly directories: DirectoryFactory;
  /** Where billing links live when not in the state file. */
  readonly billingLinksFor?: (caller: Caller) => Promise<BillingLinkPort>;
}

/**
 * The directory for each request: the local file, shared by everyone, or Azure as each signed-in
 * user sees it, with the billing links Azure DevOps holds.
 */
async function openDirectories(config: Config, warn: (message: string) => void): Promise<Directories> {
  if (!config.azure) return { directories: sharedDirectory(await LocalDirectory.open(config.directoryFile, { warn })) };
  const backend = new AzureBackend({ endpoints: config.azure.endpoints, http: config.azure.http, billingWrites: config.azure.billingWrites });
  return { directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller) };
}

/** Where an organization's paid quantities are bought in Azure DevOps, as "buy" names it. */
function azureBillingPage(web: string): string {
  return `your organization's Organization settings → Billing page in Azure DevOps (${web}/YOUR-ORGANIZATION/_settings/billing)`;
}
