import type { CellResult } from './blocks';
import { isTwin, twinOf, type ScenarioName, type Target } from './scenarios';
import { median, round } from './stats';

/** One line of the table: a scenario at one connection count in one world, over all rounds. */
export interface SummaryRow {
  readonly world: string;
  readonly connections: number;
  readonly scenario: ScenarioName;
  readonly target: Target;
  readonly rounds: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Median over rounds of (this run's req/s) / (the echo bot's req/s in the same block). */
  readonly ratioToEcho: number;
  /**
   * For a product turn: median over rounds of its req/s over its twin's in the same block (a bare
   * teams-ai bot answering the same kind of turn with the same card): what the product's own work
   * costs. Undefined where the twin did not run.
   */
  readonly ratioToTwin?: number;
  /** Median over rounds of (the twin's CPU per request) / (this run's), in the same block. */
  readonly cpuRatioToTwin?: number;
  /** The twin's longest event-loop delay over the same rounds, beside `eventLoopMaxMs`. */
  readonly twinEventLoopMaxMs?: number;
  readonly eventLoopMaxMs: number;
  readonly serverMaxRssMB: number;
  /** Median server CPU ms per request. */
  readonly cpuMsPerRequest: number;
  /** Median over rounds of (the echo bot's CPU per request in the same block) / (this run's): the cost ratio, steadier than req/s. */
  readonly cpuRatioToEcho: number;
  /** Errors, timeouts, non-2xx and wrong answers: anything but zero makes the line suspect. */
  readonly problems: number;
}

export function summarize(cells: readonly CellResult[]): SummaryRow[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of cells) {
    const key = `${cell.world}|${cell.connections}|${cell.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as CellResult;
    const ratios = group.map((cell) => {
      const echo = rateIn(cells, cell, 'echo');
      return echo > 0 ? cell.reqPerSec / echo : 0;
    });
    const cpuRatios = group.map((cell) => {
      const echo = cpuIn(cells, cell, 'echo');
      return cell.serverCpuMsPerRequest > 0 ? echo / cell.serverCpuMsPerRequest : 0;
    });
    const twins = group.flatMap((cell) => {
      const twin = cell.target === 'product' ? twinIn(cells, cell) : undefined;
      return twin ? [{ cell, twin }] : [];
    });
    const twinRatios = twins.flatMap(({ cell, twin }) => (twin.reqPerSec > 0 ? [cell.reqPerSec / twin.reqPerSec] : []));
    const twinCpuRatios = twins.flatMap(({ cell, twin }) => (cell.serverCpuMsPerRequest > 0 ? [twin.serverCpuMsPerRequest / cell.serverCpuMsPerRequest] : []));
    return {
      world: first.world,
      connections: first.connections,
      scenario: first.scenario,
      target: first.target,
      rounds: group.length,
      reqPerSec: round(median(group.map((c) => c.reqPerSec)), 1),
      p50Ms: round(median(group.map((c) => c.p50Ms))),
      p99Ms: round(median(group.map((c) => c.p99Ms))),
      ratioToEcho: round(median(ratios)),
      ...(twinRatios.length > 0 ? { ratioToTwin: round(median(twinRatios)) } : {}),
      ...(twinCpuRatios.length > 0 ? { cpuRatioToTwin: round(median(twinCpuRatios)) } : {}),
      ...(twins.length > 0 ? { twinEventLoopMaxMs: round(Math.max(...twins.map(({ twin }) => twin.eventLoopMaxMs))) } : {}),
      eventLoopMaxMs: round(Math.max(...group.map((c) => c.eventLoopMaxMs))),
      cpuMsPerRequest: round(median(group.map((c) => c.serverCpuMsPerRequest)), 3),
      cpuRatioToEcho: round(median(cpuRatios)),
      serverMaxRssMB: Math.max(...group.map((c) => c.serverMaxRssMB)),
      problems: group.reduce((sum, c) => sum + c.errors + c.timeouts + c.non2xx + c.unexpected, 0),
    };
  });
}

/** The twin's run in the same block as a product run (the compared build's confirmations share this build's twin). */
function twinIn(cells: readonly CellResult[], cell: CellResult): CellResult | undefined {
  const product = cell.scenario === 'flow.confirm-compared' ? 'flow.confirm' : cell.scenario;
  if (isTwin(product) || product === 'echo' || product === 'echo-invoke') return undefined;
  const twin = twinOf(product);
  return cells.find((c) => c.scenario === twin && c.world === cell.world && c.connections === cell.connections && c.round === cell.round);
}

function cpuIn(cells: readonly CellResult[], cell: CellResult, scenario: ScenarioName): number {
  const runs = cells.filter((c) => c.scenario === scenario && c.world === cell.world && c.connections === cell.connections && c.round === cell.round);
  if (runs.length === 0) return 0;
  return runs.reduce((sum, c) => sum + c.serverCpuMsPerRequest, 0) / runs.length;
}

/** A scenario's throughput in the same block as `cell`: the mean of its runs there. */
function rateIn(cells: readonly CellResult[], cell: CellResult, scenario: ScenarioName): number {
  const runs = cells.filter((c) => c.scenario === scenario && c.world === cell.world && c.connections === cell.connections && c.round === cell.round);
  if (runs.length === 0) return 0;
  return runs.reduce((sum, c) => sum + c.reqPerSec, 0) / runs.length;
}

/** A plain-text table with right-aligned numbers. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]): string =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  const numericColumns = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  return [line(headers, numericColumns), line(widths.map((w) => '-'.repeat(w)), numericColumns), ...text.map((row) => line(row, numericColumns))].join('\n');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: value < 10 ? 2 : 1 });
}
