import path from 'node:path';
import { runBlock, type CellResult } from './blocks';
import { startChild } from './child';
import type { BenchOptions } from './options';
import type { Rig } from './rig';
import { measureBaselineStartup, measureProductStartup, type StartupMeasurement } from './startup';
import { median } from './stats';
import { summarize, type SummaryRow } from './summary';
import type { WorldShape } from './world';
import { prepareWorld } from './worlds';

/**
 * The state-growth measurements at one size: start-up and its peak memory, link operations on the
 * billing service with the event loop watched, and the turn measurements at the growth connection
 * counts, all against a state holding the size's links, audit history and conversation references.
 */

export interface LinkOperationsResult {
  readonly operations: number;
  readonly elapsedMs: number;
  readonly steps: Record<string, { p50Ms: number; p99Ms: number; maxMs: number }>;
  readonly failed: string;
  readonly eventLoopMaxMs: number;
  readonly eventLoopP99Ms: number;
  /** The longest garbage-collection pause in that process meanwhile. */
  readonly gcMaxMs: number;
  /**
   * The longest event-loop delay of the idle echo bot over the same stretch: what the machine itself
   * (other processes taking the cores) adds to any process's delays.
   */
  readonly idleControlMaxMs: number;
  readonly maxRssMB: number;
  /** The compaction of the conversation-reference journal, forced after the link operations. */
  readonly compaction?: Record<string, number>;
}

export interface GrowthResult {
  readonly organizations: number;
  readonly shape: WorldShape;
  readonly stateMB: number;
  readonly directoryMB: number;
  readonly generatedMs: number;
  readonly firstOpenMs: number;
  readonly startup: StartupComparison;
  readonly linkOperations: LinkOperationsResult;
  readonly cells: readonly CellResult[];
  readonly summary: readonly SummaryRow[];
}

/**
 * The product's start-up beside its twin's (a bare teams-ai bot on restify), the two alternating
 * run by run so that the machine's load weighs on both alike.
 */
export interface StartupComparison {
  readonly runs: readonly StartupMeasurement[];
  readonly medianMs: number;
  /** The highest peak RSS of the product's runs. */
  readonly peakRssMB: number;
  readonly twinRuns: readonly StartupMeasurement[];
  readonly twinMedianMs: number;
  /** The product's median over the twin's. */
  readonly ratioToTwin: number;
}

export function growthShape(organizations: number, options: BenchOptions): WorldShape {
  return { organizations, linked: true, auditPerLink: 2, references: options.references };
}

export async function measureGrowth(rig: Rig, organizations: number, options: BenchOptions, log: (line: string) => void): Promise<GrowthResult> {
  const label = `orgs-${organizations}`;
  const shape = growthShape(organizations, options);
  log(`${label}: generating the world`);
  const prepared = await prepareWorld(rig, label, shape, options);
  log(`${label}: state ${prepared.stateMB} MB, directory ${prepared.directoryMB.toFixed(1)} MB, generated in ${prepared.generatedMs} ms, first open ${prepared.firstOpenMs} ms`);

  const startFolder = await rig.copyState(prepared.pristineFolder, `${label}-startup`);
  const startup = await compareStartups(options.startups, () => measureProductStartup(path.join(startFolder, 'state.json'), prepared.request.directoryFile, rig.scratch));
  log(`${label}: start-up to answering turns ${startup.runs.map((r) => `${r.ms} ms`).join(', ')} (listening after ${startup.runs.map((r) => `${r.listeningMs ?? '-'} ms`).join(', ')}) (twin ${startup.twinRuns.map((r) => `${r.ms} ms`).join(', ')}: ${startup.ratioToTwin} x); peak RSS ${startup.peakRssMB} MB`);

  const linkFolder = await rig.copyState(prepared.pristineFolder, `${label}-links`);
  await rig.echo.request('stats', { reset: true });
  const linkChild = await startChild(
    'linkOperations',
    {
      shape: { ...shape },
      stateFile: path.join(linkFolder, 'state.json'),
      directoryFile: prepared.request.directoryFile,
      operations: options.linkOperations,
      maxSeconds: options.linkOperationSeconds,
      compaction: true,
    },
    600_000,
  );
  const control = await rig.echo.request('stats', { reset: true });
  await linkChild.stop();
  const ready = linkChild.ready;
  const linkOperations: LinkOperationsResult = {
    operations: Number(ready.operations),
    elapsedMs: Number(ready.elapsedMs),
    steps: ready.steps as LinkOperationsResult['steps'],
    failed: String(ready.failed ?? ''),
    eventLoopMaxMs: Number(ready.eventLoopMaxMs),
    eventLoopP99Ms: Number(ready.eventLoopP99Ms),
    gcMaxMs: Number(ready.gcMaxMs),
    idleControlMaxMs: Number(control.eventLoopMaxMs),
    maxRssMB: Number(ready.maxRssMB),
    ...(typeof ready.compaction === 'object' && ready.compaction !== null ? { compaction: ready.compaction as Record<string, number> } : {}),
  };
  const confirm = linkOperations.steps.confirm;
  const compaction = linkOperations.compaction;
  if (compaction) {
    log(
      `${label}: compacting ${compaction.references} references took ${compaction.compactionMs} ms; event loop max ${compaction.eventLoopMaxMs} ms; ` +
        `${compaction.updatesMeanwhile} updates meanwhile, p99 ${compaction.updateP99Ms} ms, max ${compaction.updateMaxMs} ms`,
    );
  }
  log(`${label}: ${linkOperations.operations} link operations, confirm p50 ${confirm?.p50Ms ?? '-'} ms p99 ${confirm?.p99Ms ?? '-'} ms, event loop max ${linkOperations.eventLoopMaxMs} ms (longest GC pause ${linkOperations.gcMaxMs} ms; an idle process meanwhile ${linkOperations.idleControlMaxMs} ms)${linkOperations.failed ? `, stopped: ${linkOperations.failed}` : ''}`);

  const cells: CellResult[] = [];
  for (let round = 1; round <= options.growthRounds; round++) {
    for (const connections of options.growthConnections) {
      log(`${label}: turns at ${connections} connections, round ${round}`);
      cells.push(...(await runBlock(rig, prepared, connections, round, options, false)));
    }
  }
  return {
    organizations,
    shape,
    stateMB: prepared.stateMB,
    directoryMB: Math.round(prepared.directoryMB * 10) / 10,
    generatedMs: prepared.generatedMs,
    firstOpenMs: prepared.firstOpenMs,
    startup,
    linkOperations,
    cells,
    summary: summarize(cells),
  };
}

async function compareStartups(times: number, product: () => Promise<StartupMeasurement>): Promise<StartupComparison> {
  const runs: StartupMeasurement[] = [];
  const twinRuns: StartupMeasurement[] = [];
  for (let i = 0; i < times; i++) {
    // Alternating which goes first, so that neither always starts on a machine the other just warmed.
    const order = i % 2 === 0 ? [true, false] : [false, true];
    for (const isProduct of order) {
      if (isProduct) runs.push(await product());
      else twinRuns.push(await measureBaselineStartup('teamsAiEcho'));
    }
  }
  const medianMs = median(runs.map((r) => r.ms));
  const twinMedianMs = median(twinRuns.map((r) => r.ms));
  return {
    runs,
    medianMs,
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    twinRuns,
    twinMedianMs,
    ratioToTwin: twinMedianMs > 0 ? Math.round((medianMs / twinMedianMs) * 100) / 100 : 0,
  };
}
