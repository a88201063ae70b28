/**
 * What the core needs from notification delivery: to say that entries were queued (in the outbox,
 * by the transaction that made the change), and to know, before anything is sent, whether a person
 * can be reached in Teams at all.
 */
export interface Deliveries {
  /** Entries with these keys were committed to the outbox: deliver them soon. Never waits for delivery. */
  queued(keys: readonly string[]): void;
}

export interface TeamsAddresses {
  /** Resolves once the answers below cover every conversation saved (they may be read after the bot starts). */
  whenKnown?(): Promise<void>;
  /** Whether the bot has a personal chat with this person. */
  hasPersonalChat(aadObjectId: string): boolean;
  /** Whether the bot knows where to start a chat with someone in this tenant. */
  canStartChat(tenantId: string, aadObjectId: string): boolean;
}
