import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runBlock, type CellResult } from './lib/blocks';
import { entryPath } from './lib/child';
import { measureFanOut } from './lib/fanout';
import { measureAzureStatus } from './lib/azureStatus';
import { measureAzureStore } from './lib/azureStoreTurns';
import { measureGrowth } from './lib/growth';
import { parseOptions, type BenchOptions } from './lib/options';
import { report, type Results } from './lib/results';
import { Rig } from './lib/rig';
import { SCENARIO_DESCRIPTIONS } from './lib/scenarios';
import { targetRows } from './lib/targets';
import { summarize } from './lib/summary';
import { prepareWorld } from './lib/worlds';
import type { WorldShape } from './lib/world';

/**
 * `npm run bench`: the cost of a turn against a bare echo bot, of state growth, and of notifying
 * many billing managers of one change. Prints tables and writes every measurement to
 * bench/results/<timestamp>.json.
 */

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.compareBuild) await assertBuilt(options.compareBuild);
  const results: Results = {
    startedAt: new Date().toISOString(),
    machine: machine(),
    options,
    scenarios: { ...SCENARIO_DESCRIPTIONS },
    growth: [],
  };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'billing-bench-'));
  const rig = await Rig.start(scratch);
  let failure: unknown;
  try {
    if (options.phases.includes('turns')) results.turns = await measureTurns(rig, options);
    if (options.phases.includes('stores')) results.stores = await measureAzureStore(rig, options, log);
    if (options.phases.includes('growth')) {
      for (const size of options.sizes) results.growth.push(await measureGrowth(rig, size, options, log));
    }
    if (options.phases.includes('azure')) {
      log(`azure: "status" for ${options.azureOrganizations} organizations, ${options.azureLatencyMs} ms per call`);
      results.azure = await measureAzureStatus(options.azureOrganizations, options.azureLatencyMs, options.azureCallsAtOnce);
    }
    if (options.phases.includes('fanout')) {
      log(`fan-out: one change to ${options.fanoutRecipients} billing managers through the product's delivery`);
      results.fanout = await measureFanOut(rig, options.fanoutRecipients, log);
    }
  } catch (error) {
    // What was measured before the failure is still worth keeping.
    failure = error;
    results.failure = error instanceof Error ? error.message : String(error);
  } finally {
    await rig.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.targets = targetRows(results);
  process.stdout.write(`${report(results)}\n`);
  const out = options.out || path.join(projectRoot(), 'bench', 'results', `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nResults: ${out}\n`);
  if (failure !== undefined) throw failure;
}

async function measureTurns(rig: Rig, options: BenchOptions): Promise<NonNullable<Results['turns']>> {
  // A fresh install: every user has written to the bot once (so their reference is stored), nothing is linked.
  const organizations = options.freshOrganizations;
  const shape: WorldShape = { organizations, linked: false, auditPerLink: 0, references: Math.max(50, Math.floor(organizations / 2)) };
  log(`turns: generating a world of ${organizations} organizations with an empty state`);
  const prepared = await prepareWorld(rig, 'fresh', shape, options);
  const cells: CellResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const connections of options.connections) {
      log(`turns: round ${round} of ${options.rounds}, ${connections} connections`);
      const block = await runBlock(rig, prepared, connections, round, options);
      log(`  ${block.map((c) => `${c.scenario} ${Math.round(c.reqPerSec)}/s`).join(', ')}`);
      cells.push(...block);
    }
  }
  return { world: shape, cells, summary: summarize(cells) };
}

/** The compared build must be built: its processes run from its own dist/. */
async function assertBuilt(build: string): Promise<void> {
  for (const name of ['productServer', 'generateWorld']) {
    const entry = entryPath(name, build);
    if (!(await access(entry).then(() => true, () => false))) {
      throw new Error(`--compareBuild=${build} has no ${entry}. Build that checkout first (npm ci, then npm run build in it), or name the folder that holds its dist/.`);
    }
  }
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The project root, from dist/bench. */
function projectRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

main().catch((error: unknown) => {
  process.stderr.write(`The benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
