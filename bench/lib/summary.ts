import type { CellResult } from './blocks';
import type { ScenarioName, Target } from './scenarios';
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
  readonly eventLoopMaxMs: number;
  readonly serverMaxRssMB: number;
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
      const echo = echoRate(cells, cell);
      return echo > 0 ? cell.reqPerSec / echo : 0;
    });
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
      eventLoopMaxMs: round(Math.max(...group.map((c) => c.eventLoopMaxMs))),
      serverMaxRssMB: Math.max(...group.map((c) => c.serverMaxRssMB)),
      problems: group.reduce((sum, c) => sum + c.errors + c.timeouts + c.non2xx + c.unexpected, 0),
    };
  });
}

/** The echo bot's throughput in the same block: the mean of its runs there. */
function echoRate(cells: readonly CellResult[], cell: CellResult): number {
  const echoes = cells.filter((c) => c.scenario === 'echo' && c.world === cell.world && c.connections === cell.connections && c.round === cell.round);
  if (echoes.length === 0) return 0;
  return echoes.reduce((sum, c) => sum + c.reqPerSec, 0) / echoes.length;
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
