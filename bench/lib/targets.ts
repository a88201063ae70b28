import type { FanOutRun } from './fanout';
import type { GrowthResult } from './growth';
import { STORE_WORLDS } from './azureStoreTurns';
import type { Results } from './results';
import { PRODUCT_SCENARIOS, twinOf, type ProductScenario } from './scenarios';
import type { SummaryRow } from './summary';
import { median } from './stats';

/**
 * Issue 17's targets, each turned into one line: what was aimed at, what was measured, the ratio
 * that decides it and whether it was met. Ratios are taken within one run (the product beside its
 * twin, interleaved), never from numbers of different runs.
 */
export type Verdict = 'met' | 'not met' | 'no target';

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  /** The deciding ratio (product ÷ twin, or share of the allowed rate); undefined where there is none. */
  readonly ratio?: number;
  readonly verdict: Verdict;
}

/** Every product turn at least this share of its twin's requests per second. */
export const TURN_TARGET = 0.9;
/** Start-up over the twin's: at most this at 10,000 organizations, and the second at 100,000. */
export const STARTUP_TARGETS: Readonly<Record<number, number>> = { 10_000: 1.3, 100_000: 2 };
export const STARTUP_PEAK_RSS_MB = 400;
export const FANOUT_TARGET = 0.95;

export function targetRows(results: Results): TargetRow[] {
  const summary = results.turns?.summary ?? [];
  return [
    ...turnRows(summary),
    ...storeRows(results.stores?.summary ?? []),
    ...(results.stores?.failures ?? []).map((failure): TargetRow => ({ target: 'a turn on the Azure store could not be measured', measured: failure.length > 160 ? `${failure.slice(0, 160)}…` : failure, verdict: 'no target' })),
    ...eventLoopRows(results),
    ...results.growth.flatMap(startupRows),
    ...(results.fanout ? results.fanout.runs.map((run) => fanOutRow(run, results.fanout?.configured ?? { perSecond: 0, perConversationPerSecond: 0 })) : []),
  ];
}

function turnRows(summary: readonly SummaryRow[]): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const scenario of PRODUCT_SCENARIOS) {
    for (const product of summary.filter((r) => r.scenario === scenario)) {
      const twin = summary.find((r) => r.scenario === twinOf(scenario) && r.world === product.world && r.connections === product.connections);
      const ratio = product.ratioToTwin;
      if (!twin || ratio === undefined) continue;
      rows.push({
        target: `\`${turnName(scenario)}\` ≥ ${TURN_TARGET} × its twin, ${product.connections} connection${product.connections === 1 ? '' : 's'}`,
        measured:
          `${product.reqPerSec} vs ${twin.reqPerSec} req/s; CPU ${product.cpuMsPerRequest} vs ${twin.cpuMsPerRequest} ms/req (${product.cpuRatioToTwin ?? '-'} ×)` +
          (product.problems + twin.problems > 0 ? `; ${product.problems + twin.problems} wrong answers` : ''),
        ratio,
        verdict: ratio >= TURN_TARGET && product.problems === 0 ? 'met' : 'not met',
      });
    }
  }
  return rows;
}

/** Each turn on the Azure Table store, one and two instances, against the file store in the same blocks. */
function storeRows(summary: readonly SummaryRow[]): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const scenario of PRODUCT_SCENARIOS) {
    for (const azure of summary.filter((r) => r.scenario === scenario && r.world !== STORE_WORLDS.file)) {
      const file = summary.find((r) => r.scenario === scenario && r.world === STORE_WORLDS.file && r.connections === azure.connections);
      if (!file) continue;
      rows.push({
        target: `\`${turnName(scenario)}\` on the ${azure.world} (Azurite), × the file store, ${azure.connections} connections`,
        measured: `${azure.reqPerSec} vs ${file.reqPerSec} req/s; CPU ${azure.cpuMsPerRequest} vs ${file.cpuMsPerRequest} ms/req` + (azure.problems > 0 ? `; ${azure.problems} wrong answers` : ''),
        ...(file.reqPerSec > 0 ? { ratio: Math.round((azure.reqPerSec / file.reqPerSec) * 100) / 100 } : {}),
        verdict: 'no target',
      });
    }
  }
  return rows;
}

/**
 * Per product turn, over every run (all connection counts and rounds): the longest event-loop stall
 * of each product run against its twin's in the same block; the worst pair decides.
 */
function eventLoopRows(results: Results): TargetRow[] {
  const cells = results.turns?.cells ?? [];
  const rows: TargetRow[] = [];
  for (const scenario of PRODUCT_SCENARIOS) {
    const pairs = cells.flatMap((cell) => {
      if (cell.scenario !== scenario) return [];
      const twin = cells.find((c) => c.scenario === twinOf(scenario) && c.world === cell.world && c.connections === cell.connections && c.round === cell.round);
      return twin ? [{ product: cell.eventLoopMaxMs, twin: twin.eventLoopMaxMs, productCell: cell, twinCell: twin }] : [];
    });
    if (pairs.length === 0) continue;
    const worst = pairs.reduce((a, b) => (b.product - b.twin > a.product - a.twin ? b : a));
    const over = pairs.filter((p) => p.product > p.twin).length;
    rows.push({
      target: `event loop: \`${turnName(scenario)}\` stalls no longer than its twin${scenario === 'flow.confirm' ? ' (delivery of the notifications beside it)' : ''}`,
      measured:
        `worst run ${worst.product} ms vs ${worst.twin} ms (GC in the longest stall: ${gcShare(worst.productCell)} vs ${gcShare(worst.twinCell)}); ` +
        `longer than the twin in ${over} of ${pairs.length} runs`,
      ratio: ratioOf(worst.product, worst.twin),
      verdict: over === 0 ? 'met' : 'not met',
    });
  }
  const compacting = results.growth.filter((g) => g.linkOperations.compaction);
  for (const grown of compacting) {
    const loop = Math.max(grown.linkOperations.eventLoopMaxMs, Number(grown.linkOperations.compaction?.eventLoopMaxMs ?? 0));
    const idle = grown.linkOperations.idleControlMaxMs;
    rows.push({
      target: `event loop: confirmations while the journal compacts (${grown.organizations.toLocaleString('en-US')} organizations) no longer than an idle bare bot meanwhile`,
      measured: `${loop} ms vs ${idle} ms (longest GC pause: link operations ${grown.linkOperations.gcMaxMs} ms, compaction ${grown.linkOperations.compaction?.gcMaxMs ?? '-'} ms)`,
      ratio: ratioOf(loop, idle),
      verdict: loop <= idle ? 'met' : 'not met',
    });
  }
  return rows;
}

/** "12 of 30 ms": how much of the run's longest stall garbage collection took. */
function gcShare(cell: { readonly longestStallMs?: number; readonly gcInLongestStallMs?: number }): string {
  // Results written before the stall watch existed have neither field.
  if (cell.longestStallMs === undefined || cell.gcInLongestStallMs === undefined) return '-';
  return `${Math.round(cell.gcInLongestStallMs)} of ${Math.round(cell.longestStallMs)} ms`;
}

/** The median of the product's /healthz times, as the start-up medians are taken, where the runs have them. */
function listeningMedian(startup: GrowthResult['startup']): number | undefined {
  const times = startup.runs.flatMap((run) => (run.listeningMs === undefined ? [] : [run.listeningMs]));
  return times.length === 0 ? undefined : Math.round(median(times));
}

function startupRows(grown: GrowthResult): TargetRow[] {
  const { startup, organizations } = grown;
  const most = STARTUP_TARGETS[organizations];
  const size = organizations.toLocaleString('en-US');
  const rows: TargetRow[] = [
    {
      target: most === undefined ? `start-up at ${size} organizations, against the twin's` : `start-up at ${size} organizations ≤ ${most} × the twin's`,
      measured:
        `answering turns after ${startup.medianMs} vs ${startup.twinMedianMs} ms (medians of ${startup.runs.length}, interleaved)` +
        (listeningMedian(startup) === undefined ? '' : `; listening, /healthz, after ${String(listeningMedian(startup))} ms`) +
        `; peak RSS ${startup.peakRssMB} MB`,
      ratio: startup.ratioToTwin,
      verdict: most === undefined ? 'no target' : startup.ratioToTwin <= most ? 'met' : 'not met',
    },
  ];
  if (organizations >= 100_000) {
    rows.push({
      target: `peak RSS at start-up, ${size} organizations ≤ ${STARTUP_PEAK_RSS_MB} MB`,
      // Per start, in order: the first start with a new directory file checks it and writes its checked copy; the others restart from that copy.
      measured: `${startup.peakRssMB} MB (per start, in order: ${startup.runs.map((run) => run.peakRssMB).join(', ')} MB)`,
      ratio: Math.round((startup.peakRssMB / STARTUP_PEAK_RSS_MB) * 100) / 100,
      verdict: startup.peakRssMB <= STARTUP_PEAK_RSS_MB ? 'met' : 'not met',
    });
  }
  return rows;
}

function fanOutRow(run: FanOutRun, configured: { readonly perSecond: number; readonly perConversationPerSecond: number }): TargetRow {
  const faults = run.lost + run.duplicates + run.earlyRetries;
  return {
    target: `fan-out to ${run.recipients.toLocaleString('en-US')}, ${run.run}: ≥ ${FANOUT_TARGET} × the allowed rate, 0 lost`,
    measured:
      `${run.requestRatePerSecond} requests/s of ${configured.perSecond} allowed (at most ${configured.perSecond} requests in any second, ${configured.perConversationPerSecond} per chat)` +
      (run.notAllowedMs > 0 ? `, ${run.shareOfConfiguredRate} × first request to last, of which ${run.notAllowedMs} ms every remaining message waited out a Retry-After` : '') +
      `; lost ${run.lost}, duplicates ${run.duplicates}, early retries ${run.earlyRetries}, busiest second ${run.busiestSecond}`,
    ratio: run.shareOfAllowedRate,
    verdict: run.shareOfAllowedRate >= FANOUT_TARGET && faults === 0 ? 'met' : 'not met',
  };
}

/** The name a user types, or the card action. */
function turnName(scenario: ProductScenario): string {
  return scenario === 'setup-text' ? 'set up billing' : scenario;
}

function ratioOf(a: number, b: number): number | undefined {
  return b > 0 ? Math.round((a / b) * 100) / 100 : undefined;
}
