import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCell } from './lib/load';
import { startChild } from './lib/child';
import { Product, Rig } from './lib/rig';
import { createScenario, PRODUCT_SCENARIOS, type ProductScenario, type Scenario } from './lib/scenarios';
import { prepareWorld } from './lib/worlds';
import { benchPlan, generateWorld, type WorldRequest } from './lib/worldFiles';
import { parseOptions } from './lib/options';
import type { WorldShape } from './lib/world';

/**
 * A profiling aid, not a measurement: runs one product turn against the product server started with
 * `--cpu-prof`, then prints where the server's self time went (by function and by package).
 *
 *   node dist/bench/profileTurn.js status 10 8      # scenario, connections, seconds
 *   node dist/bench/profileTurn.js status 10 8 --twin --warmup=20
 *
 * With --twin the profiled server is the turn's twin (teamsAiEcho answering with the card the product
 * answered the probe with), so that the two profiles can be set side by side: what the product
 * spends beyond the twin in the same framework functions is the product's doing. --warmup sets the
 * seconds of unmeasured load before the profile starts (1 by default): a process that has served
 * only a few thousand requests still pays for compiling and for Node's deprecation checks. The profile itself
 * is kept (its path is printed) for a closer look in Chrome's DevTools.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const twin = args.includes('--twin');
  const warmupSec = Number(/^--warmup=(.+)$/.exec(args.find((arg) => arg.startsWith('--warmup=')) ?? '')?.[1] ?? '1');
  const [name = 'status', connectionsText = '10', secondsText = '8'] = args.filter((arg) => !arg.startsWith('--'));
  if (!PRODUCT_SCENARIOS.includes(name as ProductScenario)) throw new Error(`Pick one of ${PRODUCT_SCENARIOS.join(', ')}.`);
  const scenarioName = name as ProductScenario;
  const connections = Number(connectionsText);
  const seconds = Number(secondsText);
  const options = parseOptions([]);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'billing-profile-'));
  const profiles = await mkdtemp(path.join(os.tmpdir(), 'billing-cpuprofile-'));
  const rig = await Rig.start(scratch);
  try {
    const organizations = options.freshOrganizations;
    const shape: WorldShape = { organizations, linked: false, auditPerLink: 0, references: Math.max(50, Math.floor(organizations / 2)) };
    const prepared = await prepareWorld(rig, 'fresh', shape, options);
    let folder = await rig.copyState(prepared.pristineFolder, 'fresh');
    let plan = prepared.plan;
    if (scenarioName === 'flow.confirm') {
      folder = path.join(scratch, 'confirm');
      const request: WorldRequest = { ...prepared.request, writeDirectory: false, stateFile: path.join(folder, 'state.json'), confirmFlows: Math.min(prepared.world.confirmableCapacity, 20_000), at: new Date().toISOString() };
      await generateWorld(request);
      plan = benchPlan(prepared.world, request);
    }
    const product = twin
      ? await rig.startProduct(folder, prepared.request.directoryFile)
      : new Product(await startChild('profiledServer', { stateFile: path.join(folder, 'state.json'), directoryFile: prepared.request.directoryFile, profileDir: profiles }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const scenario = createScenario(scenarioName, plan, rig.serviceUrl);
    const card = await rig.probe(scenario, product.url);
    const target = twin ? await startTwin(scenario, card, profiles) : product;
    // The product only answered the probe that taught the twin its card: it stays out of the measured run.
    if (twin) await product.stop();
    // A turn that uses something up (a flow to confirm) is warmed by at most 200 of them.
    const warming = scenario.remaining() === undefined ? {} : { amount: 200 };
    await runCell({ url: target.url, connections, durationSec: warmupSec, ...warming, nextBody: () => scenario.nextBody() });
    await target.child.request('stats', { reset: true });
    await target.child.request('profile');
    const remaining = scenario.remaining();
    const measured = await runCell({
      url: target.url,
      connections,
      durationSec: seconds,
      ...(remaining !== undefined ? { amount: remaining } : {}),
      nextBody: () => scenario.nextBody(),
    });
    const stats = await target.child.request('stats', { reset: true });
    await target.stop();
    process.stdout.write(`${twin ? 'the twin of ' : ''}${scenarioName} at ${connections} connections: ${measured.reqPerSec} req/s, p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms, CPU ${(Number(stats.cpuMs) / measured.requests).toFixed(3)} ms/request, event loop max ${String(stats.eventLoopMaxMs)} ms, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    const file = (await readdir(profiles)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('The profiled server wrote no profile.');
    const full = path.join(profiles, file);
    process.stdout.write(`${summarize(JSON.parse(await readFile(full, 'utf8')) as CpuProfile, measured.requests)}\nProfile: ${full}\n`);
  } finally {
    await rig.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The twin of the scenario's turn under the profiler, answering with the card the product answered the probe with. */
async function startTwin(scenario: Scenario, card: Record<string, unknown> | undefined, profileDir: string): Promise<Product> {
  if (!card) throw new Error(`The product answered "${scenario.name}" without a card, so its twin has nothing to answer with.`);
  const server = new Product(await startChild('profiledServer', { serve: 'teamsAiEcho', profileDir }));
  const reply = await server.child.request('cards', { answeredBy: scenario.answeredBy, trigger: scenario.trigger, card });
  if (reply.captured !== true) throw new Error(`The product's card for "${scenario.name}" could not be handed to its twin.`);
  return server;
}

/** Self time per function and per package, as milliseconds per request. */
function summarize(profile: CpuProfile, requests: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const where = frame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'npm:').replace(/.*\/dist\//, '');
    const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const pkg = frame.url === '' ? frame.functionName : where.startsWith('npm:') ? where.split('/').slice(0, where.startsWith('npm:@') ? 2 : 1).join('/') : where.startsWith('node:') ? 'node' : where.split('/').slice(0, 2).join('/');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  }
  // Inclusive time of the product's own functions: what each costs with everything it calls.
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, micros] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || !frame.url.includes('/dist/src/')) continue;
      const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*\/dist\//, '')}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
    }
  }
  const top = (map: Map<string, number>, n: number): string =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, micros]) => `${(micros / 1000 / requests).toFixed(3).padStart(7)} ms/req  ${key}`)
      .join('\n');
  return `${requests} requests\n-- by package --\n${top(byPackage, 25)}\n-- by function --\n${top(byFunction, 45)}\n-- the product's functions, with what they call --\n${top(inclusive, 60)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
