import type { RunningBot } from './compose';
import { enableCompileCache } from './compileCache';
import type { Logger } from './logger';

/**
 * The process: read the configuration, start the bot, stop cleanly on SIGTERM or Ctrl-C. The rest of
 * the bot is loaded after the compile cache is on, so that it can come from the cache.
 */
async function main(): Promise<void> {
  enableCompileCache();
  const [{ readConfig }, { createLogger }, { startBot }] = await Promise.all([import('./config/index.js'), import('./logger.js'), import('./compose.js')]);
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const bot = await startBot(config, logger);
  stopGracefully(bot, logger);
}

function stopGracefully(bot: RunningBot, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping: finishing in-flight requests.');
    bot
      .stop()
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

/** Start-up failures whose message already says what to fix; a stack trace would only hide it. */
const EXPLAINED_FAILURES = ['ConfigError', 'StateFileError', 'DirectoryFileError'];

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`The bot did not start: ${message}\n`);
  if (error instanceof Error && !EXPLAINED_FAILURES.includes(error.name)) process.stderr.write(`${error.stack ?? ''}\n`);
  process.exit(1);
});
