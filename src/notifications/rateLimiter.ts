/** One request's place in the window: held while it is under way, then counted from when it ended. */
interface Slot {
  end: number;
}

/** The slots one or more requests took; give it back with `finish` when they are done. */
export interface Ticket {
  readonly slots: readonly Slot[];
}

/**
 * Sliding-window pacing: at most `perKey` requests for one key (a conversation) and `overall` in all
 * within any window of `windowMs`. Teams allows a bot about 7 messages a second per conversation and
 * 50 requests a second overall, and counts them as they arrive. A request may arrive any time between
 * its start and its answer, so it holds its place while under way and leaves the window only
 * `windowMs` after it ended: then no `overall + 1` requests can arrive within one window, whatever
 * the network delays. Time comes from the caller, so tests need no real waiting.
 */
export class RateLimiter {
  private readonly byKey = new Map<string, Slot[]>();
  private all: Slot[] = [];

  constructor(
    private readonly perKey: number,
    private readonly overall: number,
    private readonly windowMs = 1000,
  ) {}

  /**
   * Milliseconds to wait before `cost` requests may start at `now`, one of them a message in the
   * conversation `key` (none when `key` is undefined: starting a chat); 0 when they may start now,
   * Infinity when a request under way must finish first.
   */
  delayFor(key: string | undefined, now: number, cost = 1): number {
    this.forgetBefore(now - this.windowMs);
    const own = key === undefined ? 0 : waitFor(this.byKey.get(key) ?? [], 1, this.perKey, now, this.windowMs);
    return Math.max(own, waitFor(this.all, cost, this.overall, now, this.windowMs));
  }

  /** Takes `cost` places, one of them in `key` when given, for requests starting now. */
  take(key: string | undefined, cost = 1): Ticket {
    const slots = Array.from({ length: cost }, (): Slot => ({ end: Number.POSITIVE_INFINITY }));
    this.all.push(...slots);
    const first = slots[0];
    if (key !== undefined && first) {
      const own = this.byKey.get(key) ?? [];
      own.push(first);
      this.byKey.set(key, own);
    }
    return { slots };
  }

  /** The requests of `ticket` are done (answered or failed) at `now`. */
  finish(ticket: Ticket, now: number): void {
    for (const slot of ticket.slots) slot.end = Math.min(slot.end, now);
  }

  private forgetBefore(cutoff: number): void {
    this.all = this.all.filter((s) => s.end > cutoff);
    for (const [key, slots] of this.byKey) {
      const kept = slots.filter((s) => s.end > cutoff);
      if (kept.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, kept);
    }
  }
}

/** How long until `cost` more fit under `limit`: the earliest-ending slots must leave the window first. */
function waitFor(slots: readonly Slot[], cost: number, limit: number, now: number, windowMs: number): number {
  const excess = slots.length + cost - limit;
  if (excess <= 0) return 0;
  const ends = slots.map((s) => s.end).sort((a, b) => a - b);
  const leaving = ends[Math.min(excess, ends.length) - 1];
  return leaving === undefined ? 0 : Math.max(0, leaving + windowMs - now);
}
