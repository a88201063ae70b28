/**
 * `npm run dev:multi`: two instances of the bot on one shared state, as a scaled-out App Service runs
 * them. Starts Azurite (its data in .azurite/), bot A and bot B (STATE_STORE=azure) on two ports, a
 * small front door that hands each request to the next instance in turn (as a load balancer may),
 * and the Agents Playground pointed at the front door. Each line the front door prints says which
 * instance answered, so a person sees a flow started on one instance finish on the other.
 *
 * Environment: PORT (the front door, default 3978; the instances take the next two ports),
 * PLAYGROUND_PORT, DIRECTORY_FILE, STATE_TABLE_PREFIX and the rest pass to the bots unchanged.
 * Ctrl-C stops everything.
 */
import http from 'node:http';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from './lib/azurite';
import {
  DEFAULT_BOT_PORT, DEFAULT_DIRECTORY_FILE, DEFAULT_PLAYGROUND_PORT, ManagedProcess, PROJECT_ROOT, botCommandLine, isPortFree, parseListeningPort, playgroundCommandLine, playgroundEnv,
  portFromEnv, waitForHttpOk,
} from './lib/processes';

function say(message: string): void {
  process.stdout.write(`[dev:multi] ${message}\n`);
}

/** Hands each request to the next instance in turn and says which one answered. */
function frontDoor(ports: readonly number[], names: readonly string[]): http.Server {
  let next = 0;
  return http.createServer((request, response) => {
    const index = next;
    next = (next + 1) % ports.length;
    const forwarded = http.request({ host: '127.0.0.1', port: ports[index], path: request.url, method: request.method, headers: request.headers }, (answer) => {
      say(`${request.method ?? ''} ${request.url ?? ''} → instance ${names[index] ?? ''} (${answer.statusCode ?? 0})`);
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on('error', (error) => {
      say(`instance ${names[index] ?? ''} did not answer: ${error.message}`);
      response.writeHead(502).end();
    });
    request.pipe(forwarded);
  });
}

async function main(): Promise<number> {
  const doorPort = portFromEnv('PORT', DEFAULT_BOT_PORT);
  const botPorts = [doorPort + 1, doorPort + 2];
  for (const port of [doorPort, ...botPorts]) {
    if (!(await isPortFree(port))) {
      say(`port ${port} is already in use. Stop what uses it, or set PORT (dev:multi uses PORT and the next two).`);
      return 1;
    }
  }
  say('starting Azurite (data in .azurite/)...');
  const azurite: RunningAzurite = await startAzurite({ folder: path.join(PROJECT_ROOT, '.azurite') });
  const names = ['A', 'B'];
  const bots = botPorts.map(
    (port, index) =>
      new ManagedProcess(`bot ${names[index] ?? ''}`, botCommandLine(undefined), {
        env: {
          ...process.env,
          PORT: String(port),
          DIRECTORY_FILE: process.env.DIRECTORY_FILE ?? DEFAULT_DIRECTORY_FILE,
          STATE_STORE: 'azure',
          AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        },
        onLine: (line) => process.stdout.write(`[bot ${names[index] ?? ''}] ${line}\n`),
      }),
  );
  const door = frontDoor(botPorts, names);
  await new Promise<void>((resolve) => door.listen(doorPort, '127.0.0.1', resolve));
  const playground = new ManagedProcess('playground', playgroundCommandLine(doorPort, portFromEnv('PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT)), {
    env: playgroundEnv(process.env),
    onLine: (line) => {
      process.stdout.write(`[playground] ${line}\n`);
      const port = parseListeningPort(line);
      if (port !== undefined) say(`open http://localhost:${port} in your browser; each click goes to the next instance (Ctrl-C stops everything)`);
    },
  });
  const children = [...bots, playground];
  let stopping = false;
  const stopAll = async (code: number, why: string): Promise<number> => {
    if (stopping) return code;
    stopping = true;
    say(why);
    await Promise.all(children.map((child) => child.stop()));
    door.close();
    await azurite.stop();
    return code;
  };
  return new Promise<number>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0, `${signal}: stopping...`).then(resolve));
    for (const child of children) void child.exited.then(() => void stopAll(1, `the ${child.name} stopped; stopping the rest.`).then(resolve));
    void Promise.all(botPorts.map((port) => waitForHttpOk(`http://localhost:${port}/readyz`, { timeoutMs: 120_000, abortReason: () => (stopping ? 'stopping' : undefined) }))).then(
      () => say(`both instances answer: A on ${botPorts[0] ?? ''}, B on ${botPorts[1] ?? ''}, behind http://localhost:${doorPort}/api/messages`),
      (error: unknown) => void stopAll(1, `start-up failed: ${error instanceof Error ? error.message : String(error)}`).then(resolve),
    );
  });
}

main().then(
  (code) => setImmediate(() => process.exit(code)),
  (error: unknown) => {
    process.stderr.write(`[dev:multi] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
