/** Time for the dispatcher, injectable so that pacing and back-off can be tested without waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. Never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    }),
};

/**
 * The reason a wait is cut short. Given, so that abort() does not build its default reason: a
 * DOMException, with a stack trace, on every wake-up (one or more per confirmation).
 */
const NOTIFIED = 'notified';

/** A wake-up call that is never lost: a notify before the wait makes the next wait return at once. */
export class WakeSignal {
  private pending = false;
  private current: AbortController | undefined;

  constructor(private readonly clock: Clock) {}

  notify(): void {
    this.pending = true;
    this.current?.abort(NOTIFIED);
  }

  /** Waits until notified, or `ms` (forever when undefined). */
  async wait(ms: number | undefined): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const controller = new AbortController();
    this.current = controller;
    try {
      if (ms === undefined) {
        await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
      } else {
        await this.clock.sleep(ms, controller.signal);
      }
    } finally {
      this.current = undefined;
      this.pending = false;
    }
  }
}
