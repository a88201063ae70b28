/**
 * `npm run dev`: starts the bot and the Microsoft 365 Agents Playground (a Teams-like chat client that
 * runs offline) side by side, waits until both answer, and tells you which address to open.
 *
 * Environment:
 *   PORT             the bot's port (default 3978)
 *   PLAYGROUND_PORT  the playground's port (default 56150; it picks another one if that is busy)
 *   DIRECTORY_FILE   passed to the bot (default demo/directory.json)
 *   STATE_FILE, LOG_LEVEL and everything else are passed to the bot unchanged.
 *   DEV_BOT_COMMAND  run another bot instead of `node dist/src/index.js` (a command line split at
 *                    whitespace, or a JSON array of strings)
 *   DEV_START_TIMEOUT_MS  how long to wait for both to answer (default 120000)
 *
 * Ctrl-C (or SIGTERM) stops both. If either child exits on its own, the other is stopped and this
 * script exits with a non-zero code.
 */
import {
  DEFAULT_BOT_PORT,
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_PLAYGROUND_PORT,
  ManagedProcess,
  botCommandLine,
  describeExit,
  isPortFree,
  parseListeningPort,
  playgroundCommandLine,
  playgroundEnv,
  portFromEnv,
  waitForHttpOk,
} from './lib/processes';

const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: number, text: string): string => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);
const PREFIX = {
  bot: paint(36, '[bot]'),
  playground: paint(35, '[playground]'),
  dev: paint(33, '[dev]'),
};

function say(message: string): void {
  process.stdout.write(`${PREFIX.dev} ${message}\n`);
}

async function main(): Promise<number> {
  const botPort = portFromEnv('PORT', DEFAULT_BOT_PORT);
  const askedPlaygroundPort = portFromEnv('PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT);
  const startTimeoutMs = Number(process.env.DEV_START_TIMEOUT_MS ?? 120_000);

  // Something else on the bot's port would answer /healthz in our bot's place: refuse early.
  if (!(await isPortFree(botPort))) {
    say(`port ${botPort} is already in use (another bot still running?). Stop it, or set PORT to another port.`);
    return 1;
  }

  let stopping = false;
  let playgroundPort: number | undefined;
  let resolvePlaygroundPort: (port: number) => void = () => undefined;
  const playgroundPortKnown = new Promise<number>((resolve) => {
    resolvePlaygroundPort = resolve;
  });

  const bot = new ManagedProcess('bot', botCommandLine(process.env.DEV_BOT_COMMAND), {
    env: {
      ...process.env,
      PORT: String(botPort),
      DIRECTORY_FILE: process.env.DIRECTORY_FILE ?? DEFAULT_DIRECTORY_FILE,
    },
    onLine: (line) => process.stdout.write(`${PREFIX.bot} ${line}\n`),
  });
  const playground = new ManagedProcess('playground', playgroundCommandLine(botPort, askedPlaygroundPort), {
    env: playgroundEnv(process.env),
    onLine: (line) => {
      process.stdout.write(`${PREFIX.playground} ${line}\n`);
      const port = parseListeningPort(line);
      if (port !== undefined && playgroundPort === undefined) {
        playgroundPort = port;
        resolvePlaygroundPort(port);
      }
    },
  });
  const children = [bot, playground];

  const killAllNow = (): void => children.forEach((c) => c.killNow());
  process.on('exit', killAllNow);

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const shutdown = async (code: number, reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(reason);
    await Promise.all(children.map((c) => c.stop()));
    finish(code);
  };

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (stopping) {
        // A second Ctrl-C: do not wait any longer.
        killAllNow();
        process.exit(1);
      }
      void shutdown(0, `${sig}: stopping the bot and the playground...`);
    });
  }

  for (const child of children) {
    void child.exited.then((info) => {
      if (stopping) return;
      const others = children.filter((c) => c !== child).map((c) => c.name).join(' and ');
      void shutdown(info.code !== null && info.code !== 0 ? info.code : 1, `the ${child.name} ${describeExit(info)}; stopping the ${others}.`);
    });
  }

  const abortReason = (): string | undefined => {
    if (stopping) return 'stopping';
    const gone = children.find((c) => c.exit !== undefined);
    return gone === undefined ? undefined : `the ${gone.name} ${describeExit(gone.exit ?? { code: null, signal: null })}`;
  };

  const ready = (async (): Promise<void> => {
    await waitForHttpOk(`http://localhost:${botPort}/readyz`, { timeoutMs: startTimeoutMs, abortReason });
    let timer: NodeJS.Timeout | undefined;
    const port = await Promise.race([
      playgroundPortKnown,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the playground did not print "Listening on <port>" within ${startTimeoutMs} ms`)), startTimeoutMs);
      }),
      finished.then(() => {
        throw new Error('stopped');
      }),
    ]).finally(() => clearTimeout(timer));
    await waitForHttpOk(`http://localhost:${port}/_debug/ping`, { timeoutMs: startTimeoutMs, abortReason });
  })();

  ready.then(
    () => {
      if (stopping || playgroundPort === undefined) return;
      const line = '='.repeat(72);
      process.stdout.write(
        [
          '',
          paint(32, line),
          paint(32, `  Open http://localhost:${playgroundPort} in your browser`),
          `  (the bot listens on http://localhost:${botPort}/api/messages; Ctrl-C stops both)`,
          paint(32, line),
          '',
        ].join('\n') + '\n',
      );
    },
    (err: unknown) => {
      if (stopping) return;
      void shutdown(1, `start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    },
  );

  return finished;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Timers of the wait loops may still be pending: do not wait for them.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`${PREFIX.dev} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
