import type { CellResult } from './blocks';
import type { FanOutResult } from './fanout';
import type { AzureStatusResult } from './azureStatus';
import type { GrowthResult } from './growth';
import type { BenchOptions } from './options';
import type { StartupMeasurement } from './startup';
import { table, type SummaryRow } from './summary';
import type { WorldShape } from './world';

/** Everything one run measured, as written to bench/results/<timestamp>.json. */
export interface Results {
  readonly startedAt: string;
  finishedAt?: string;
  readonly machine: Record<string, unknown> & { loadAverageAtEnd?: number[] };
  readonly options: BenchOptions;
  readonly scenarios: Record<string, string>;
  turns?: { readonly world: WorldShape; readonly cells: CellResult[]; readonly summary: SummaryRow[] };
  echoStartup?: { readonly runs: StartupMeasurement[]; readonly medianMs: number };
  growth: GrowthResult[];
  fanout?: FanOutResult;
  azure?: AzureStatusResult;
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
      r.ratioToTeamsAi === undefined ? '' : r.ratioToTeamsAi.toFixed(2),
      r.cpuMsPerRequest,
      r.scenario === 'echo' ? '1.00' : r.cpuRatioToEcho.toFixed(2),
      r.eventLoopMaxMs,
      r.serverMaxRssMB,
      r.problems,
    ]);
  const headers = ['world', 'conns', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'x echo', 'x teams-ai', 'CPU ms/req', 'x echo CPU', 'loop max ms', 'RSS MB', 'problems'];
  if (results.turns) {
    parts.push(`Turns: the product against a bare echo bot (medians of ${results.options.rounds} interleaved rounds)`);
    parts.push(table(headers, rowsOf(results.turns.summary)));
  }
  if (results.growth.length > 0) {
    parts.push('', `State growth (every world also holds ${results.options.references.toLocaleString('en-US')} conversation references)`);
    parts.push(
      table(
        ['organizations', 'state MB', 'directory MB', 'start-up ms', 'start-up RSS MB', 'link ops', 'confirm p50 ms', 'confirm p99 ms', 'loop max ms', 'GC max ms', 'idle max ms', 'link RSS MB'],
        results.growth.map((g) => [
          g.organizations,
          g.stateMB,
          g.directoryMB,
          g.startup.medianMs,
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
    if (results.echoStartup) parts.push(`Bare echo bot start-up for comparison: ${results.echoStartup.medianMs} ms (median).`);
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
        ['run', 'throttling', 'recipients', 'total ms', 'delivered', 'lost', 'duplicates', 'throttled', 'early retries', 'chats started', 'requests', 'busiest second', 'requests/s', 'x configured', 'retry tail ms', 'x configured before it', 'delivered/s', 'loop max ms', 'CPU ms'],
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
          r.retryTailMs,
          r.shareBeforeRetryTail,
          r.deliveryRatePerSecond,
          r.eventLoopMaxMs,
          r.cpuMs,
        ]),
      ),
    );
  }
  return parts.join('\n');
}
