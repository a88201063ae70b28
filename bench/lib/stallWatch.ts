import { PerformanceObserver, performance } from 'node:perf_hooks';
import { round } from './stats';

/**
 * Where the longest event-loop stall came from. The delay histogram says how long the loop was
 * held, not by what; this watch keeps the window of the longest stall (a timer that fires every
 * TICK_MS and notes how late it came) and the garbage-collection pauses of the last seconds, so a
 * report can say how much of that window the collector took. A stall mostly made of GC points at
 * how much the process allocates and holds; one with little GC in it is code holding the loop (or
 * the process not scheduled on a busy machine, which the twin in the same block suffers alike).
 */
export interface StallReport {
  /** The longest stretch between two ticks beyond the tick's own interval, in ms. */
  readonly longestStallMs: number;
  /** Of that stretch, the ms garbage collection ran. */
  readonly gcInLongestStallMs: number;
  /** The longest single GC pause since the last reset, and all GC pauses added up, in ms. */
  readonly gcMaxMs: number;
  readonly gcTotalMs: number;
}

const TICK_MS = 5;
/** GC pauses older than this cannot fall in a stall still to be noticed. */
const KEEP_GC_MS = 10_000;

interface Span {
  readonly start: number;
  readonly end: number;
}

export class StallWatch {
  private longest: Span = { start: 0, end: 0 };
  private gcPauses: Span[] = [];
  private gcInLongest = 0;
  private gcMax = 0;
  private gcTotal = 0;
  private lastTick = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      this.gcMax = Math.max(this.gcMax, entry.duration);
      this.gcTotal += entry.duration;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
    this.schedule();
  }

  report(reset: boolean): StallReport {
    // GC entries arrive after the pause (the observer runs on a later turn): attribute them now.
    this.attribute(this.observer.takeRecords().map((entry) => ({ start: entry.startTime, end: entry.startTime + entry.duration })));
    const report: StallReport = {
      longestStallMs: round(stallOf(this.longest)),
      gcInLongestStallMs: round(Math.max(this.gcInLongest, overlap(this.longest, this.gcPauses))),
      gcMaxMs: round(this.gcMax),
      gcTotalMs: round(this.gcTotal),
    };
    if (reset) {
      this.longest = { start: 0, end: 0 };
      this.gcInLongest = 0;
      this.gcMax = 0;
      this.gcTotal = 0;
    }
    return report;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.observer.disconnect();
  }

  private attribute(late: readonly Span[]): void {
    for (const pause of late) {
      this.gcPauses.push(pause);
      this.gcMax = Math.max(this.gcMax, pause.end - pause.start);
      this.gcTotal += pause.end - pause.start;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    const now = performance.now();
    const span = { start: this.lastTick, end: now };
    this.lastTick = now;
    const cutoff = now - KEEP_GC_MS;
    if (this.gcPauses.length > 0 && (this.gcPauses[0] as Span).end < cutoff) this.gcPauses = this.gcPauses.filter((pause) => pause.end >= cutoff);
    if (stallOf(span) > stallOf(this.longest)) {
      this.longest = span;
      // Pauses inside this window may not have been delivered yet; report() looks again.
      this.gcInLongest = overlap(span, this.gcPauses);
    }
    this.schedule();
  }
}

function stallOf(span: Span): number {
  return Math.max(0, span.end - span.start - TICK_MS);
}

function overlap(window: Span, pauses: readonly Span[]): number {
  let total = 0;
  for (const pause of pauses) total += Math.max(0, Math.min(window.end, pause.end) - Math.max(window.start, pause.start));
  // A pause may also fall in the tick's own interval; it is counted only up to the stall.
  return Math.min(total, stallOf(window));
}
