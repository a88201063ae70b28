import type { TeamsAddresses } from '../../domain/ports/notifications';
import type { ReadTransaction } from '../../domain/ports/store';

/** What the bot knows about reaching a person in Teams, as `managers` shows it. */
export interface ReachView {
  readonly state: 'delivered' | 'chat' | 'unknown' | 'unreachable' | 'retrying';
  readonly at?: string;
  readonly reason?: string;
}

export async function reachOf(tx: ReadTransaction, addresses: TeamsAddresses, aadObjectId: string): Promise<ReachView> {
  // A notification on its way, whose last attempt failed, says more than any earlier outcome.
  const retrying = (await tx.outbox.listPendingFor(aadObjectId)).find((e) => e.attempts > 0);
  if (retrying) return { state: 'retrying', reason: retrying.lastError ?? 'the last attempt failed' };
  const record = await tx.reach.get(aadObjectId);
  if (record?.status === 'unreachable') return { state: 'unreachable', at: record.at, reason: record.failure?.reason ?? 'the last message could not be delivered' };
  if (record?.status === 'delivered') return { state: 'delivered', at: record.at };
  await addresses.whenKnown?.();
  return addresses.hasPersonalChat(aadObjectId) ? { state: 'chat' } : { state: 'unknown' };
}
