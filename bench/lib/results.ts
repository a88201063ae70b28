import type { CellResult } from './blocks';
import type { FanOutResult } from './fanout';
import type { AzureStatusResult } from './azureStatus';
import type { AzureStoreResult } from './azureStoreTurns';
import type { GrowthResult } from './growth';
import type { BenchOptions } from './options';
import { table, type SummaryRow } from './summary';
import { targetRows, type TargetRow } from './targets';
import type { WorldShape } from './world';

/** Everything one run measured, as written to bench/results/<timestamp>.json. */
export interface Results {
  readonly startedAt: string;
  finishedAt?: string;
  readonly machine: Record<string, unknown> & { loadAverageAtEnd?: number[] };
  readonly options: BenchOptions;
  readonly scenarios: Record<string, string>;
  turns?: { readonly world: WorldShape; readonly cells: CellResult[]; readonly summary: SummaryRow[] };
  /** The turns on the Azure Table store beside the file store's. */
  stores?: AzureStoreResult;
  growth: GrowthResult[];
  fanout?: FanOutResult;
  azure?: AzureStatusResult;
  /** Every target of the run, met or not: the last table printed. */
  targets?: TargetRow[];
  /** Why the run stopped early, when it did. */
  failure?: string;
}

/** The tables printed at the end of a run. */
export function report(results: Results): string {
  const parts: string[] = [];
  const rowsOf = (summary: readonly SummaryRow[]) =>
    summary.map((r) => [
      r.world,
      r.connections,
      r.scenario,
      r.reqPerSec,
      r.p50Ms,
      r.p99Ms,
      r.scenario === 'echo' ? '1.00' : r.ratioToEcho.toFixed(2),
      r.ratioToTwin === undefined ? '' : r.ratioToTwin.toFixed(2),
      r.cpuMsPerRequest,
      r.scenario === 'echo' ? '1.00' : r.cpuRatioToEcho.toFixed(2),
      r.cpuRatioToTwin === undefined ? '' : r.cpuRatioToTwin.toFixed(2),
      r.eventLoopMaxMs,
      r.twinEventLoopMaxMs === undefined ? '' : r.twinEventLoopMaxMs.toFixed(1),
      r.serverMaxRssMB,
      r.problems,
    ]);
  const headers = ['world', 'conns', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'x echo', 'x twin', 'CPU ms/req', 'x echo CPU', 'x twin CPU', 'loop max ms', 'twin loop max ms', 'RSS MB', 'problems'];
  if (results.turns) {
    parts.push(`Turns: the product against its bare teams-ai twin and a bare echo bot (medians of ${results.options.rounds} interleaved rounds)`);
    parts.push(table(headers, rowsOf(results.turns.summary)));
  }
  if (results.stores) {
    parts.push('', `Stores: the same turns on the file store and on the Azure Table store (Azurite), one and two instances, in the same blocks (medians of ${results.options.rounds} rounds)`);
    parts.push(table(headers, rowsOf(results.stores.summary)));
    for (const failure of results.stores.failures) parts.push(`Not measured: ${failure}`);
  }
  if (results.growth.length > 0) {
    parts.push('', `State growth (every world also holds ${results.options.references.toLocaleString('en-US')} conversation references)`);
    parts.push(
      table(
        ['organizations', 'state MB', 'directory MB', 'start-up ms', 'twin start-up ms', 'x twin', 'start-up RSS MB', 'link ops', 'confirm p50 ms', 'confirm p99 ms', 'loop max ms', 'GC max ms', 'idle max ms', 'link RSS MB'],
        results.growth.map((g) => [
          g.organizations,
          g.stateMB,
          g.directoryMB,
          g.startup.medianMs,
          g.startup.twinMedianMs,
          g.startup.ratioToTwin,
          g.startup.peakRssMB,
          g.linkOperations.operations,
          g.linkOperations.steps.confirm?.p50Ms ?? 0,
          g.linkOperations.steps.confirm?.p99Ms ?? 0,
          g.linkOperations.eventLoopMaxMs,
          g.linkOperations.gcMaxMs,
          g.linkOperations.idleControlMaxMs,
          g.linkOperations.maxRssMB,
        ]),
      ),
    );
    const grownTurns = results.growth.flatMap((g) => g.summary);
    if (grownTurns.length > 0) parts.push('', 'Turns in the grown states', table(headers, rowsOf(grownTurns)));
  }
  if (results.azure) {
    const { organizations, linked, latencyMs, callsAtOnce, runs } = results.azure;
    parts.push('', `Azure: "status" for ${organizations} organizations (${linked} with billing), ${latencyMs} ms per call on the emulator, ${callsAtOnce || 'the default number of'} calls at once`);
    parts.push(table(['run', 'ms', 'CPU ms', 'requests', 'by operation', 'problems'], runs.map((r) => [
      r.run, r.ms, r.cpuMs, r.requests, Object.entries(r.byOperation).map(([op, n]) => `${op} ${n}`).join(', '), r.problems,
    ])));
  }
  if (results.fanout) {
    const { configured, runs, delivery } = results.fanout;
    parts.push('', `Fan-out: ${delivery}, ${configured.perSecond}/s overall and ${configured.perConversationPerSecond}/s per chat`);
    parts.push(
      table(
        ['run', 'throttling', 'recipients', 'total ms', 'delivered', 'lost', 'duplicates', 'throttled', 'early retries', 'chats started', 'requests', 'busiest second', 'requests/s', 'x configured', 'ms not allowed', 'x allowed', 'retry tail ms', 'x configured before it', 'delivered/s', 'loop max ms', 'CPU ms'],
        runs.map((r) => [
          r.run,
          r.throttling,
          r.recipients,
          r.totalMs,
          r.delivered,
          r.lost,
          r.duplicates,
          r.throttled,
          r.earlyRetries,
          r.chatsStarted,
          r.requests,
          r.busiestSecond,
          r.requestRatePerSecond,
          r.shareOfConfiguredRate,
          r.notAllowedMs,
          r.shareOfAllowedRate,
          r.retryTailMs,
          r.shareBeforeRetryTail,
          r.deliveryRatePerSecond,
          r.eventLoopMaxMs,
          r.cpuMs,
        ]),
      ),
    );
  }
  parts.push('', targetsTable(results));
  return parts.join('\n');
}

/** The table of every target, measured in this run: printed last, and what the README's Performance section shows. */
export function targetsTable(results: Results): string {
  const rows = results.targets ?? targetRows(results);
  const load = results.machine.loadAverageAtEnd ?? results.machine.loadAverageAtStart;
  const heading = `Targets (issue 17), all ratios within this run; load average ${Array.isArray(load) ? load.join(' / ') : 'unknown'} (1 / 5 / 15 min, at the end)`;
  return [heading, table(['target', 'measured', 'ratio', ''], rows.map((r) => [r.target, r.measured, r.ratio === undefined ? '-' : r.ratio.toFixed(2), r.verdict]))].join('\n');
}
