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
  // Listened for before the start ends: the bot serves while it still reads its conversation
  // references, and a stop asked for then is carried out, cleanly, once the start is over.
  const stopping = stopGracefully(logger);
  stopping.started(await startBot(config, logger));
}

function stopGracefully(logger: Logger): { started(bot: RunningBot): void } {
  let running: RunningBot | undefined;
  let asked: string | undefined;
  let stopping = false;
  const stop = (bot: RunningBot, signal: string): void => {
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
  const onSignal = (signal: string): void => {
    if (running) stop(running, signal);
    else asked ??= signal;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return {
    started(bot) {
      running = bot;
      if (asked !== undefined) stop(bot, asked);
    },
  };
}

/** Start-up failures whose message already says what to fix; a stack trace would only hide it. */
const EXPLAINED_FAILURES = ['ConfigError', 'StateFileError', 'DirectoryFileError'];

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`The bot did not start: ${message}\n`);
  if (error instanceof Error && !EXPLAINED_FAILURES.includes(error.name)) process.stderr.write(`${error.stack ?? ''}\n`);
  process.exit(1);
});
