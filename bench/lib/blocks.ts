import path from 'node:path';
import type { Child } from './child';
import { runCell, type CellMeasurement } from './load';
import type { BenchOptions } from './options';
import type { Rig } from './rig';
import { createScenario, type Scenario, type ScenarioName, type Target } from './scenarios';
import { benchPlan, generateWorld, type BenchPlan, type WorldRequest } from './worldFiles';
import type { World } from './world';

/**
 * One block: every scenario once at one connection count, back to back, with the bare echo bot
 * measured at the start and again before the confirmation runs (this build's, and another build's
 * with --compareBuild), so that whatever load the machine carries at that moment weighs on the
 * baseline and the product alike. Blocks are repeated (rounds) and the medians reported.
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
  readonly serverMaxRssMB: number;
  /**
   * The server's CPU time per answered request during the run: unlike req/s, it hardly moves when
   * other work on the machine takes cores away, so it is the steadier measure of what a turn costs.
   */
  readonly serverCpuMsPerRequest: number;
}

/**
 * The order inside a block: the baseline first, each product turn beside the diagnostic bot that
 * sends the same card, and the writes that grow the state last.
 */
const FIRST_PART: readonly ScenarioName[] = [
  'echo',
  'status',
  'echo-card',
  'teams-ai-card',
  'flow.organization',
  'flow.subscription',
  'echo-invoke',
  'teams-ai-invoke',
  'setup-text',
];

export async function runBlock(
  rig: Rig,
  prepared: PreparedWorld,
  connections: number,
  round: number,
  options: BenchOptions,
  diagnostics = false,
): Promise<CellResult[]> {
  const results: CellResult[] = [];
  const record = (cell: Omit<CellResult, 'world' | 'connections' | 'round'>): void => {
    results.push({ ...cell, world: prepared.label, connections, round });
  };

  const product = await rig.startProduct(await rig.copyState(prepared.pristineFolder, prepared.label), prepared.request.directoryFile);
  await settle();
  try {
    const scenarios = FIRST_PART.map((name) => createScenario(name, prepared.plan, rig.serviceUrl)).filter((s) => diagnostics || s.target !== 'diagnostic');
    if (diagnostics) await rig.calibrate(product, createScenario('status', prepared.plan, rig.serviceUrl), createScenario('flow.subscription', prepared.plan, rig.serviceUrl));
    for (const scenario of scenarios) {
      const { url, server } = rig.targetOf(scenario, product);
      record(await measure(rig, scenario, url, server, connections, options));
    }
  } finally {
    await product.stop();
  }

  // Each confirmation uses up a flow, so the state is made with as many as this block can confirm.
  const subscriptionRate = results.find((r) => r.scenario === 'flow.subscription')?.reqPerSec ?? 100;
  const wanted = Math.ceil(subscriptionRate * (options.durationSec + options.warmupSec) * 1.5) + connections + 10;
  const confirmFlows = Math.min(wanted, prepared.world.confirmableCapacity, 20_000);
  const builds: { scenario: ScenarioName; build?: string }[] = [{ scenario: 'flow.confirm' }];
  // Every other round the compared build goes first, so that neither always runs right after the echo bot.
  if (options.compareBuild) builds.splice(round % 2, 0, { scenario: 'flow.confirm-compared', build: options.compareBuild });
  const states = [];
  for (const { scenario, build } of builds) states.push({ scenario, build, ...(await confirmationState(rig, prepared, `${prepared.label}-${scenario}-${connections}-${round}`, confirmFlows, build)) });

  record(await measure(rig, createScenario('echo', prepared.plan, rig.serviceUrl), rig.echoUrl, rig.echo, connections, options));
  for (const { scenario, build, folder, plan, directoryFile } of states) {
    const confirming = await rig.startProduct(folder, directoryFile, build);
    await settle();
    try {
      record(await measure(rig, createScenario(scenario, plan, rig.serviceUrl), confirming.url, confirming.child, connections, options));
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

/**
 * A process that has just started keeps the second core busy for a moment (compilation, garbage
 * collection), which would slow whichever run comes first; let it finish.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1000));
}

async function measure(
  rig: Rig,
  scenario: Scenario,
  url: string,
  server: Child,
  connections: number,
  options: BenchOptions,
): Promise<Omit<CellResult, 'world' | 'connections' | 'round'>> {
  await rig.probe(scenario, url);
  const limited = scenario.remaining();
  const warmupShare = options.warmupSec / (options.warmupSec + options.durationSec);
  await runCell({
    url,
    connections,
    durationSec: options.warmupSec,
    ...(limited !== undefined ? { amount: Math.max(1, Math.floor(limited * warmupShare)) } : {}),
    nextBody: () => scenario.nextBody(),
  });
  await server.request('stats', { reset: true });
  const sendsBefore = await rig.sends();
  const remaining = scenario.remaining();
  const measured = await runCell({
    url,
    connections,
    durationSec: options.durationSec,
    ...(remaining !== undefined ? { amount: Math.max(1, remaining) } : {}),
    nextBody: () => scenario.nextBody(),
    ...(scenario.answeredBy === 'answer' ? { answerIsExpected: (body: string) => scenario.marker.test(body) } : {}),
  });
  const sends = (await rig.sends()) - sendsBefore;
  const stats = await server.request('stats', { reset: true });
  // A message turn answers through the Bot Connector: a 2xx without its send is an answer lost.
  const missingReplies = scenario.answeredBy === 'reply' ? Math.max(0, measured.requests - sends) : 0;
  return {
    ...measured,
    unexpected: measured.unexpected + missingReplies,
    scenario: scenario.name,
    target: scenario.target,
    eventLoopMaxMs: Number(stats.eventLoopMaxMs),
    serverMaxRssMB: Number(stats.maxRssMB),
    serverCpuMsPerRequest: measured.requests > 0 ? Math.round((Number(stats.cpuMs) / measured.requests) * 1000) / 1000 : 0,
  };
}
