/**
 * `npm run bench:stores`: a targeted run, not the full bench. The same link operations over HTTP
 * against real bot processes on the file store (one instance), and on the Azure store in Azurite
 * (one instance, then two with the requests alternating between them): each step's latency
 * (p50/p99) of sequential set-ups, then the throughput of set-up confirmations with 16 at once.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from '../scripts/lib/azurite';
import { BOT_NODE_FLAGS, ManagedProcess, PROJECT_ROOT, getFreePorts, waitForHttpOk } from '../scripts/lib/processes';
import { actionExecute } from './lib/activities';
import { percentile, round } from './lib/stats';
import { World, type BenchUser } from './lib/world';

interface Target {
  readonly user: BenchUser;
  readonly organizationId: string;
  readonly subscriptionId: string;
}

const SEQUENTIAL = Number(process.env.BENCH_STORES_SEQUENTIAL ?? 60);
const CONCURRENT = Number(process.env.BENCH_STORES_CONCURRENT ?? 160);
const AT_ONCE = 16;
const STEPS = ['start', 'organization', 'subscription', 'confirm'] as const;

/** Answers every proactive call the bot makes, as the Bot Connector would. */
function connectorSink(): Promise<{ readonly url: string; close(): void }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(request.url === '/v3/conversations' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sink-${Date.now()}` })));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, close: () => server.close() });
  }));
}

async function click(port: number, user: BenchUser, verb: string, data: Record<string, unknown>, serviceUrl: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: actionExecute(user, verb, data, serviceUrl) });
  return response.text();
}

/** One whole set-up, each step on the next instance in turn; the time of each step. */
async function setUp(ports: readonly number[], target: Target, serviceUrl: string, turn: { next: number }): Promise<Record<(typeof STEPS)[number], number>> {
  const port = (): number => ports[turn.next++ % ports.length] as number;
  const timed = async (verb: string, data: Record<string, unknown>): Promise<[string, number]> => {
    const began = performance.now();
    const text = await click(port(), target.user, verb, data, serviceUrl);
    return [text, performance.now() - began];
  };
  const [started, start] = await timed('flow.start', { kind: 'setup' });
  const flowId = /\\?"flowId\\?":\\?"([^"\\]+)/.exec(started)?.[1];
  if (!flowId) throw new Error(`No flow was started: ${started.slice(0, 300)}`);
  const [, organization] = await timed('flow.organization', { flowId, organizationId: target.organizationId });
  const [, subscription] = await timed('flow.subscription', { flowId, subscriptionId: target.subscriptionId });
  const [done, confirm] = await timed('flow.confirm', { flowId });
  if (!done.includes('Billing is set up')) throw new Error(`The set-up was not confirmed: ${done.slice(0, 300)}`);
  return { start, organization, subscription, confirm };
}

async function measure(name: string, env: Record<string, string>, instances: number, targets: Target[], directoryFile: string, serviceUrl: string, folder: string): Promise<Record<string, unknown>> {
  const ports = await getFreePorts(instances);
  const bots = ports.map((port, index) => new ManagedProcess(`${name} ${index}`, { command: process.execPath, args: [...BOT_NODE_FLAGS, path.join(PROJECT_ROOT, 'dist', 'src', 'index.js')] }, {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DIRECTORY_FILE: directoryFile, LOG_LEVEL: 'warn', STATE_FILE: path.join(folder, `${name}.json`), ...env },
    onLine: (line, stream) => {
      if (stream === 'stderr') process.stderr.write(`[${name} ${index}] ${line}\n`);
    },
  }));
  try {
    await Promise.all(ports.map((port) => waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 60_000, abortReason: () => undefined })));
    const turn = { next: 0 };
    const timings: Record<string, number[]> = { start: [], organization: [], subscription: [], confirm: [], operation: [] };
    for (const target of targets.splice(0, SEQUENTIAL)) {
      const steps = await setUp(ports, target, serviceUrl, turn);
      for (const step of STEPS) timings[step]?.push(steps[step]);
      timings.operation?.push(STEPS.reduce((sum, step) => sum + steps[step], 0));
    }
    const burst = targets.splice(0, CONCURRENT);
    const began = performance.now();
    let confirmed = 0;
    await Promise.all(Array.from({ length: AT_ONCE }, async () => {
      for (let target = burst.shift(); target; target = burst.shift()) {
        await setUp(ports, target, serviceUrl, turn);
        confirmed++;
      }
    }));
    const seconds = (performance.now() - began) / 1000;
    const stats = Object.fromEntries(Object.entries(timings).map(([step, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [step, { p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1) }];
    }));
    const result = { setup: name, instances, sequentialOperations: SEQUENTIAL, ...stats, confirmsPerSecond: round(confirmed / seconds, 1), concurrentSetUps: confirmed, atOnce: AT_ONCE };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
  }
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'bench stores '));
  const world = new World({ organizations: 1200, linked: false, auditPerLink: 1, references: 0 });
  const directoryFile = path.join(folder, 'directory.json');
  await writeFile(directoryFile, JSON.stringify(world.directory()));
  const all: Target[] = world.confirmableFlows(1200, new Date()).confirmable.map(({ user, organizationId, subscriptionId }) => ({ user, organizationId, subscriptionId }));
  const sink = await connectorSink();
  let azurite: RunningAzurite | undefined;
  try {
    azurite = await startAzurite();
    const azure = { STATE_STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    const results = [
      await measure('file', { STATE_STORE: 'file' }, 1, all.splice(0, SEQUENTIAL + CONCURRENT), directoryFile, sink.url, folder),
      await measure('azure', { ...azure, STATE_TABLE_PREFIX: 'benchone' }, 1, all.splice(0, SEQUENTIAL + CONCURRENT), directoryFile, sink.url, folder),
      await measure('azure', { ...azure, STATE_TABLE_PREFIX: 'benchtwo' }, 2, all.splice(0, SEQUENTIAL + CONCURRENT), directoryFile, sink.url, folder),
    ];
    const out = path.join(PROJECT_ROOT, 'bench', 'results');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, `stores-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify({ cpus: os.cpus().length, node: process.version, results }, null, 2)}\n`);
  } finally {
    sink.close();
    await azurite?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
