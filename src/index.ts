import { createAdapter } from './adapter';
import { BillingService } from './billing/billingService';
import { readConfig } from './config';
import { LocalDirectory } from './directory/localDirectory';
import { createLogger, type Logger } from './logger';
import { startServer, type RunningServer } from './server';
import { openLowdbStore } from './store/lowdbStore';
import type { StateStore } from './store/port';
import { createBotApplication } from './teams/application';
import { ConversationReferences } from './teams/conversationReferences';

/** The composition root: the only place that builds infrastructure and wires it together. */
async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const warn = (message: string): void => logger.warn(message);

  const directory = await LocalDirectory.open(config.directoryFile, { warn });
  const store = await openLowdbStore(config.stateFile, { warn });
  logger.info({ stateFile: config.stateFile, directoryFile: config.directoryFile }, 'State and directory loaded.');

  const billing = new BillingService({
    directory,
    store,
    flowTtlMs: config.flowTtlMinutes * 60_000,
    reportError: (error) => logger.error({ err: error }, 'A billing change could not be saved.'),
  });
  const references = new ConversationReferences(store);
  const adapter = createAdapter(config.credentials);
  const app = createBotApplication({ billing, references, logger }, adapter);
  if (!config.credentials) {
    logger.warn('No MicrosoftAppId is set: the bot accepts unauthenticated requests. Use this only for local development.');
  }
  const server = await startServer({ port: config.port, adapter, app, logger });
  stopGracefully(server, store, logger);
}

/** SIGTERM/SIGINT: stop accepting, let in-flight turns and writes finish, release the state lock, exit 0. */
function stopGracefully(server: RunningServer, store: StateStore, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping: finishing in-flight requests.');
    void server
      .close()
      .then(() => store.close())
      .then(() => {
        logger.info('Stopped.');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Could not stop cleanly.');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // Start-up failures (bad configuration, a locked or corrupt state file, a bad directory file) carry
  // a message that says what to fix; print it plainly, without a stack trace to wade through.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`The bot did not start: ${message}\n`);
  if (!(error instanceof Error) || !['ConfigError', 'StateFileError', 'DirectoryFileError'].includes(error.name)) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? '') : ''}\n`);
  }
  process.exit(1);
});
