import { startBot } from '../../src/compose';
import { readConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { announceFailure, announceReady, childOptions, serveParent } from '../lib/child';
import { EventLoopWatch } from '../lib/eventLoopWatch';

/**
 * The product as `npm start` runs it (the same composition function, the real HTTP server and state
 * file), with an event-loop watch beside it that the benchmark reads between its runs.
 */
async function main(): Promise<void> {
  const options = childOptions();
  const started = performance.now();
  const watch = new EventLoopWatch();
  const config = readConfig({
    PORT: '0',
    STATE_FILE: String(options.stateFile),
    DIRECTORY_FILE: String(options.directoryFile),
    LOG_LEVEL: 'warn',
    // The load generator is a handful of people clicking thousands of times a minute: measured here
    // is the work of each request, not the per-person limit that would refuse most of them.
    FLOW_STARTS_PER_MINUTE: '1000000',
    CARD_CLICKS_PER_MINUTE: '1000000',
    // The Azure Table store (Azurite) when the bench names one; the state file otherwise.
    ...(typeof options.azureConnectionString === 'string'
      ? { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: options.azureConnectionString, STATE_TABLE_PREFIX: String(options.tablePrefix) }
      : {}),
  });
  const bot = await startBot(config, createLogger(config.logLevel));
  serveParent({ stats: (message) => watch.report(message.reset === true) }, () => bot.stop());
  announceReady({ port: bot.port, startMs: Math.round(performance.now() - started) });
}

main().catch(announceFailure);
