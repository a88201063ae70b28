import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { StallWatch, type StallReport } from './stallWatch';

/**
 * How long the event loop was kept from running timers: the longest delay is the longest stretch of
 * synchronous work (or a garbage collection pause, or the process not being scheduled on a busy
 * machine), which is what a user's turn waits behind.
 */
export interface EventLoopReport extends StallReport {
  readonly eventLoopMaxMs: number;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMeanMs: number;
  /** The process's peak resident set so far, in MB. */
  readonly maxRssMB: number;
  readonly rssMB: number;
  readonly heapUsedMB: number;
  /** CPU time (user and system) the process used since the last reset, in ms. */
  readonly cpuMs: number;
}

export class EventLoopWatch {
  private histogram: IntervalHistogram;
  private cpuAtReset = process.cpuUsage();
  private readonly stalls = new StallWatch();

  constructor(private readonly resolutionMs = 1) {
    this.histogram = this.start();
  }

  report(reset: boolean): EventLoopReport & Record<string, number> {
    const h = this.histogram;
    const report = {
      // The histogram counts from when the delay exceeds the sampling interval; both in nanoseconds.
      eventLoopMaxMs: round(h.max / 1e6),
      eventLoopP99Ms: round(h.percentile(99) / 1e6),
      eventLoopMeanMs: round(h.mean / 1e6),
      maxRssMB: round(process.resourceUsage().maxRSS / 1024),
      rssMB: round(process.memoryUsage().rss / 1024 / 1024),
      heapUsedMB: round(process.memoryUsage().heapUsed / 1024 / 1024),
      cpuMs: round(cpuMs(process.cpuUsage(this.cpuAtReset))),
      ...this.stalls.report(reset),
    };
    if (reset) {
      this.cpuAtReset = process.cpuUsage();
      this.histogram.disable();
      this.histogram = this.start();
    }
    return report;
  }

  stop(): void {
    this.histogram.disable();
    this.stalls.stop();
  }

  private start(): IntervalHistogram {
    const histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    histogram.enable();
    return histogram;
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : 0;
}
