/**
 * How many times one person may do something in a sliding minute: starting flows, pressing card
 * buttons. Each accepted request is a write (a flow saved, a step recorded), so one person sending
 * thousands a second would otherwise fill the state for everybody. Kept in memory: it protects this
 * process, and a restart forgetting a minute of history costs nothing.
 */
export class UserRateLimit {
  /** Each person's accepted requests in the current window, oldest first; never more than the limit. */
  private readonly recent = new Map<string, number[]>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly perWindow: number,
    readonly windowMs = 60_000,
  ) {
    if (!Number.isInteger(perWindow) || perWindow < 1) throw new RangeError(`A rate limit needs at least one request per window, not ${perWindow}.`);
  }

  /** Counts a request of `person` at `now` when the limit allows it; otherwise how long until it would. */
  take(person: string, now: number): RateDecision {
    this.sweep(now);
    const times = (this.recent.get(person) ?? []).filter((at) => now - at < this.windowMs);
    if (times.length >= this.perWindow) {
      this.recent.set(person, times);
      const oldest = times[0] ?? now;
      return { allowed: false, count: times.length, waitMs: Math.max(1, oldest + this.windowMs - now) };
    }
    times.push(now);
    this.recent.set(person, times);
    return { allowed: true };
  }

  /** Once a window, people with nothing left in it are forgotten, so the map holds only the active. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [person, times] of this.recent) {
      if (times.every((at) => now - at >= this.windowMs)) this.recent.delete(person);
    }
  }
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly count: number; readonly waitMs: number };

/** The limits every flow engine shares, so that a person's starts count across set-up, buy and managers. */
export interface FlowLimits {
  readonly starts: UserRateLimit;
  readonly clicks: UserRateLimit;
}
