/** One request the stand-in Bot Connector received: when, for which conversation, and whether it answered 429. */
export interface LoggedRequest {
  readonly at: number;
  readonly key: string;
  readonly refused: boolean;
}

/**
 * How long, after the last new contact, every conversation still owed a message was under a
 * Retry-After: time in which no sender could have sent anything, so it does not count against the
 * allowed rate. A gap in which some conversation was free again but nothing came is the sender's.
 */
export function notAllowedMs(log: readonly LoggedRequest[], lastNewContact: number, retryAfterMs: number): number {
  const waiting = new Map<string, number>();
  let total = 0;
  for (const [index, entry] of log.entries()) {
    if (entry.refused) waiting.set(entry.key, entry.at + retryAfterMs);
    else waiting.delete(entry.key);
    const next = log[index + 1];
    if (next === undefined || entry.at < lastNewContact || waiting.size === 0) continue;
    const freeAt = Math.min(...waiting.values());
    total += Math.max(0, Math.min(next.at, freeAt) - entry.at);
  }
  return total;
}
