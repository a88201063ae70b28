import path from 'node:path';
import type { Child } from './child';
import { runCell, type CellMeasurement } from './load';
import type { BenchOptions } from './options';
import type { Product, Rig } from './rig';
import { createScenario, PRODUCT_SCENARIOS, twinOf, type ProductScenario, type Scenario, type ScenarioName, type Target } from './scenarios';
import { benchPlan, generateWorld, type BenchPlan, type WorldRequest } from './worldFiles';
import type { World } from './world';

/**
 * One block: every scenario once at one connection count, back to back: each product turn right
 * beside its twin (a bare teams-ai bot answering the same kind of turn with the product's own card,
 * started afresh with each product process, so that neither has had more requests to warm up on),
 * and the bare echo bot at the start and again before the confirmation runs (this build's, and
 * another build's with --compareBuild), so that whatever load the machine carries at that moment
 * weighs on the product and its floors alike. Blocks are repeated (rounds) and the medians reported.
 */

export interface PreparedWorld {
  readonly label: string;
  readonly world: World;
  /** The request that generated it; the confirmation runs regenerate its state with flows to confirm. */
  readonly request: WorldRequest;
  readonly pristineFolder: string;
  readonly plan: BenchPlan;
}

export interface CellResult extends CellMeasurement {
  readonly world: string;
  readonly scenario: ScenarioName;
  readonly target: Target;
  readonly connections: number;
  readonly round: number;
  /** Longest event-loop delay in the server process during the measured run. */
  readonly eventLoopMaxMs: number;
  /**
   * Of the longest stall (timed by the server's own tick, beside the histogram's max), how many ms
   * garbage collection ran; and the longest single GC pause of the run.
   */
  readonly longestStallMs: number;
  readonly gcInLongestStallMs: number;
  readonly gcMaxMs: number;
  readonly serverMaxRssMB: number;
  /**
   * The server's CPU time per answered request during the run: unlike req/s, it hardly moves when
   * other work on the machine takes cores away, so it is the steadier measure of what a turn costs.
   */
  readonly serverCpuMsPerRequest: number;
}

/** The product's turns measured on the first product process; the confirmations get their own (they use up flows). */
export const FIRST_PART: readonly ProductScenario[] = PRODUCT_SCENARIOS.filter((s) => s !== 'flow.confirm');

/**
 * One block at one connection count: the echo bot, then each product turn beside its twin (the twin
 * first in even rounds, so that neither always runs first), then the echo bot again and the
 * confirmations beside theirs. Without twins (the grown worlds), the product's turns alone.
 */
export async function runBlock(
  rig: Rig,
  prepared: PreparedWorld,
  connections: number,
  round: number,
  options: BenchOptions,
  twins = true,
): Promise<CellResult[]> {
  const results: CellResult[] = [];
  const record = ({ cell }: Measured): void => {
    results.push({ ...cell, world: prepared.label, connections, round });
  };
  const scenario = (name: ScenarioName): Scenario => createScenario(name, prepared.plan, rig.serviceUrl);
  const twinFirst = twins && round % 2 === 0;
  /** The product's turn and its twin's, in this block's order; the twin answers with the card the product's probe captured. */
  const pair = async (product: Product, name: ProductScenario, productScenario = scenario(name)): Promise<void> => {
    const twin = scenario(twinOf(name));
    const runTwin = async (card: Record<string, unknown> | undefined): Promise<void> => {
      if (!card) throw new Error(`The product answered "${name}" without a card, so its twin has nothing to answer with.`);
      await rig.teachTwin(twin, card);
      record(await measure(rig, twin, rig.teamsAiUrl, rig.teamsAi, connections, options));
    };
    if (!twins) return void record(await measure(rig, productScenario, product.url, product.child, connections, options));
    if (twinFirst) await runTwin(await rig.probe(productScenario, product.url));
    const measured = await measure(rig, productScenario, product.url, product.child, connections, options);
    record(measured);
    if (!twinFirst) await runTwin(measured.card);
  };

  const product = await rig.startProduct(await rig.copyState(prepared.pristineFolder, prepared.label), prepared.request.directoryFile);
  if (twins) await rig.restartTwin();
  await settle();
  try {
    for (const name of ['echo', 'echo-invoke'] as const) record(await measure(rig, scenario(name), rig.echoUrl, rig.echo, connections, options));
    for (const name of FIRST_PART) await pair(product, name);
  } finally {
    await product.stop();
  }

  // Each confirmation uses up a flow, so the state is made with as many as this block can confirm.
  const subscriptionRate = results.find((r) => r.scenario === 'flow.subscription')?.reqPerSec ?? 100;
  const wanted = Math.ceil(subscriptionRate * (options.durationSec + options.warmupSec) * 1.5) + connections + 10;
  const confirmFlows = Math.min(wanted, prepared.world.confirmableCapacity, 20_000);
  const builds: { scenario: 'flow.confirm' | 'flow.confirm-compared'; build?: string }[] = [{ scenario: 'flow.confirm' }];
  // Every other round the compared build goes first, so that neither always runs right after the echo bot.
  if (options.compareBuild) builds.splice(round % 2, 0, { scenario: 'flow.confirm-compared', build: options.compareBuild });
  const states = [];
  for (const { scenario: name, build } of builds) states.push({ name, build, ...(await confirmationState(rig, prepared, `${prepared.label}-${name}-${connections}-${round}`, confirmFlows, build)) });

  record(await measure(rig, scenario('echo'), rig.echoUrl, rig.echo, connections, options));
  for (const { name, build, folder, plan, directoryFile } of states) {
    const confirming = await rig.startProduct(folder, directoryFile, build);
    if (twins && name === 'flow.confirm') await rig.restartTwin();
    await settle();
    try {
      const confirmScenario = createScenario(name, plan, rig.serviceUrl);
      if (name === 'flow.confirm') await pair(confirming, 'flow.confirm', confirmScenario);
      else record(await measure(rig, confirmScenario, confirming.url, confirming.child, connections, options));
    } finally {
      await confirming.stop();
    }
  }
  return results;
}

/**
 * A state with `confirmFlows` flows to confirm, written by the generator of the build under
 * measurement (so that each build opens a state it wrote itself), from the same world.
 */
async function confirmationState(rig: Rig, prepared: PreparedWorld, label: string, confirmFlows: number, build?: string): Promise<{ folder: string; plan: BenchPlan; directoryFile: string }> {
  const folder = path.join(rig.scratch, 'runs', label);
  const request: WorldRequest = { ...prepared.request, writeDirectory: false, stateFile: path.join(folder, 'state.json'), confirmFlows, at: new Date().toISOString() };
  await generateWorld(request, build);
  return { folder, plan: benchPlan(prepared.world, request), directoryFile: request.directoryFile };
}

/** One measured run, and the card the probe before it was answered with. */
export interface Measured {
  readonly cell: Omit<CellResult, 'world' | 'connections' | 'round'>;
  readonly card?: Record<string, unknown>;
}

/**
 * A process that has just started keeps the second core busy for a moment (compilation, garbage
 * collection), which would slow whichever run comes first; let it finish.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

function measure(rig: Rig, scenario: Scenario, url: string, server: Child, connections: number, options: BenchOptions): Promise<Measured> {
  return measureOn(rig, scenario, [{ url, server }], connections, options);
}

/**
 * One run against one server, or against several at once (instances sharing one state), the
 * connections split between them: their answers add up, CPU per request counts every server's CPU.
 */
export async function measureOn(rig: Rig, scenario: Scenario, servers: readonly { url: string; server: Child }[], connections: number, options: BenchOptions): Promise<Measured> {
  const [first] = servers;
  if (!first) throw new Error(`No server to measure "${scenario.name}" on.`);
  const card = await rig.probe(scenario, first.url);
  const share = Math.max(1, Math.ceil(connections / servers.length));
  const limited = scenario.remaining();
  const warmupShare = options.warmupSec / (options.warmupSec + options.durationSec);
  await Promise.all(
    servers.map(({ url }) =>
      runCell({
        url,
        connections: share,
        durationSec: options.warmupSec,
        ...(limited !== undefined ? { amount: Math.max(1, Math.floor((limited * warmupShare) / servers.length)) } : {}),
        nextBody: () => scenario.nextBody(),
      }),
    ),
  );
  for (const { server } of servers) await server.request('stats', { reset: true });
  const sendsBefore = await rig.sends();
  const remaining = scenario.remaining();
  const runs = await Promise.all(
    servers.map(({ url }) =>
      runCell({
        url,
        connections: share,
        durationSec: options.durationSec,
        ...(remaining !== undefined ? { amount: Math.max(1, Math.floor(remaining / servers.length)) } : {}),
        nextBody: () => scenario.nextBody(),
        ...(scenario.answeredBy === 'answer' ? { answerIsExpected: (body: string) => scenario.marker.test(body) } : {}),
      }),
    ),
  );
  const measured = combine(runs);
  const sends = (await rig.sends()) - sendsBefore;
  const stats = [];
  for (const { server } of servers) stats.push(await server.request('stats', { reset: true }));
  const cpuMs = stats.reduce((sum, s) => sum + Number(s.cpuMs), 0);
  // A message turn answers through the Bot Connector: a 2xx without its send is an answer lost.
  const missingReplies = scenario.answeredBy === 'reply' ? Math.max(0, measured.requests - sends) : 0;
  const cell = {
    ...measured,
    unexpected: measured.unexpected + missingReplies,
    scenario: scenario.name,
    target: scenario.target,
    eventLoopMaxMs: Math.max(...stats.map((s) => Number(s.eventLoopMaxMs))),
    ...longestStallOf(stats),
    serverMaxRssMB: Math.max(...stats.map((s) => Number(s.maxRssMB))),
    serverCpuMsPerRequest: measured.requests > 0 ? Math.round((cpuMs / measured.requests) * 1000) / 1000 : 0,
  };
  return card ? { cell, card } : { cell };
}

/** The longest stall over the servers of a run, with the GC inside it. */
function longestStallOf(stats: readonly Record<string, unknown>[]): { longestStallMs: number; gcInLongestStallMs: number; gcMaxMs: number } {
  const worst = stats.reduce((a, b) => (Number(b.longestStallMs) > Number(a.longestStallMs) ? b : a));
  return {
    longestStallMs: Number(worst.longestStallMs ?? 0),
    gcInLongestStallMs: Number(worst.gcInLongestStallMs ?? 0),
    gcMaxMs: Math.max(...stats.map((s) => Number(s.gcMaxMs ?? 0))),
  };
}

/** Runs side by side as one: requests and problems add up, latencies are the worst of them. */
function combine(runs: readonly CellMeasurement[]): CellMeasurement {
  const [first, ...others] = runs;
  if (!first) throw new Error('Nothing was measured.');
  if (others.length === 0) return first;
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const durationSec = Math.max(...runs.map((r) => r.durationSec));
  const sum = (field: 'errors' | 'timeouts' | 'non2xx' | 'unexpected'): number => runs.reduce((total, r) => total + r[field], 0);
  const worst = (field: 'p50Ms' | 'p90Ms' | 'p99Ms' | 'maxMs'): number => Math.max(...runs.map((r) => r[field]));
  return {
    requests,
    durationSec,
    reqPerSec: Math.round(runs.reduce((total, r) => total + r.reqPerSec, 0) * 100) / 100,
    p50Ms: worst('p50Ms'),
    p90Ms: worst('p90Ms'),
    p99Ms: worst('p99Ms'),
    maxMs: worst('maxMs'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    non2xx: sum('non2xx'),
    unexpected: sum('unexpected'),
  };
}
