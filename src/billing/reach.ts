import type { BotState } from '../store/state';

/** What the bot knows about reaching a person in Teams, as `managers` shows it. */
export interface ReachView {
  readonly state: 'delivered' | 'chat' | 'unknown' | 'unreachable' | 'retrying';
  readonly at?: string;
  readonly reason?: string;
}

export function reachOf(state: Readonly<BotState>, aadObjectId: string): ReachView {
  // A notification on its way, whose last attempt failed, says more than any earlier outcome.
  const retrying = Object.values(state.outbox).find((e) => e.recipientId === aadObjectId && e.status === 'pending' && e.attempts > 0);
  if (retrying) return { state: 'retrying', reason: retrying.lastError ?? 'the last attempt failed' };
  const record = state.reach[aadObjectId];
  if (record?.status === 'unreachable') return { state: 'unreachable', at: record.at, reason: record.failure?.reason ?? 'the last message could not be delivered' };
  if (record?.status === 'delivered') return { state: 'delivered', at: record.at };
  return hasPersonalChat(state, aadObjectId) ? { state: 'chat' } : { state: 'unknown' };
}

export function hasPersonalChat(state: Readonly<BotState>, aadObjectId: string): boolean {
  return Object.values(state.conversations).some(
    (c) => c.aadObjectId === aadObjectId && (c.conversationType === undefined || c.conversationType === 'personal'),
  );
}
