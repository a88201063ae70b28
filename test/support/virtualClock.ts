import type { Clock } from '../../src/notifications/clock';

/**
 * Time that moves only when the code under test sleeps: a sleep of N ms returns on the next turn of
 * the event loop with the clock N ms later (unless woken first). Pacing and back-off can then be
 * checked from recorded times, without real waiting.
 */
export class VirtualClock implements Clock {
  private time: number;
  /** Every sleep asked for, in ms. */
  readonly sleeps: number[] = [];

  constructor(start = Date.parse('2026-11-26T09:00:00Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const target = this.time + ms;
      const timer = setImmediate(() => {
        signal.removeEventListener('abort', wake);
        this.time = Math.max(this.time, target);
        resolve();
      });
      const wake = (): void => {
        clearImmediate(timer);
        resolve();
      };
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
