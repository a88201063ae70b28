/**
 * Sliding-window pacing: at most `perKey` starts for one key (a conversation) and `overall` starts in
 * all within any window of `windowMs`. Teams allows a bot about 7 messages a second per conversation
 * and 50 requests a second overall. Time comes from the caller, so tests need no real waiting.
 */
export class RateLimiter {
  private readonly starts = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(
    private readonly perKey: number,
    private readonly overall: number,
    private readonly windowMs = 1000,
  ) {}

  /**
   * Milliseconds to wait before `cost` requests may start at `now`, one of them a message in the
   * conversation `key` (none when `key` is undefined: starting a chat); 0 when they may start now.
   */
  delayFor(key: string | undefined, now: number, cost = 1): number {
    this.forgetBefore(now - this.windowMs);
    const own = key === undefined ? 0 : waitFor(this.starts.get(key) ?? [], 1, this.perKey, now, this.windowMs);
    return Math.max(own, waitFor(this.all, cost, this.overall, now, this.windowMs));
  }

  /** Records that `cost` requests started at `now`, one of them a message in `key` when given. */
  record(key: string | undefined, now: number, cost = 1): void {
    if (key !== undefined) {
      const own = this.starts.get(key) ?? [];
      own.push(now);
      this.starts.set(key, own);
    }
    for (let i = 0; i < cost; i++) this.all.push(now);
  }

  private forgetBefore(cutoff: number): void {
    while (this.all.length > 0 && (this.all[0] ?? 0) <= cutoff) this.all.shift();
    for (const [key, list] of this.starts) {
      while (list.length > 0 && (list[0] ?? 0) <= cutoff) list.shift();
      if (list.length === 0) this.starts.delete(key);
    }
  }
}

/** In a sorted list of recent starts, how long until `cost` more fit under `limit` per window. */
function waitFor(recent: readonly number[], cost: number, limit: number, now: number, windowMs: number): number {
  const excess = recent.length + cost - limit;
  if (excess <= 0) return 0;
  // The oldest `excess` starts must leave the window first.
  const leaving = recent[excess - 1];
  return leaving === undefined ? 0 : Math.max(0, leaving + windowMs - now);
}
