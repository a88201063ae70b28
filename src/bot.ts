import { createAdapter, type AdapterOptions } from './adapter';
import { BillingService } from './billing/billingService';
import { QuantitiesService } from './billing/quantitiesService';
import type { Config } from './config';
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
  const directory = await LocalDirectory.open(config.directoryFile, { warn });
  const store = await openLowdbStore(config.stateFile, { warn });
  let server: RunningServer | undefined;
  try {
    logger.info({ stateFile: config.stateFile, directoryFile: config.directoryFile }, 'State and directory loaded.');
    const reportError = (error: unknown): void => logger.error({ err: error }, 'A billing change could not be saved.');
    const flowTtlMs = config.flowTtlMinutes * 60_000;
    const billing = new BillingService({ directory, store, flowTtlMs, prices: config.prices, reportError });
    const quantities = new QuantitiesService({ directory, store, billing, flowTtlMs, prices: config.prices, reportError });
    const references = new ConversationReferences(store);
    const adapter = createAdapter(config.credentials, options);
    const app = createBotApplication({ billing, quantities, references, logger }, adapter);
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
