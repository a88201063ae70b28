import type { ChangeEvent } from '../../domain/changeEvent';
import type { DirectoryUser } from '../../domain/directory';
import type { ReachRecord } from '../../domain/model';
import { outboxEntriesFor, type Recipient } from '../../domain/notifications';
import type { DirectoryPort } from '../../domain/ports/directory';
import type { Deliveries, TeamsAddresses } from '../../domain/ports/notifications';
import type { Store, Transaction } from '../../domain/ports/store';
import { forecast } from './forecast';
import type { NotificationPlan } from './plan';
import { recipientsOf } from './recipients';

/** Who must hear about a change, worked out before the transaction that makes it. */
export interface PreparedNotice {
  readonly recipients: readonly Recipient[];
  readonly people: readonly DirectoryUser[];
}

export interface ManagerNoticesDeps {
  readonly store: Store;
  readonly deliveries: Deliveries;
  readonly addresses: TeamsAddresses;
}

/** The three moments of telling the billing managers about one change; see ManagerNotices. */
export interface ChangeNotices {
  prepare(directory: DirectoryPort, event: ChangeEvent): Promise<PreparedNotice>;
  queueIn(tx: Transaction, event: ChangeEvent, notice: PreparedNotice, at: string): Promise<string[]>;
  told(event: ChangeEvent, queued: readonly string[], notice: PreparedNotice): Promise<NotificationPlan>;
}

/**
 * Telling the billing managers about a change, in three moments of one use case: who they are (read
 * from the directory before the transaction), their outbox entries (written inside the transaction
 * that makes the change, so the change and the duty to tell are saved together or not at all), and,
 * once committed, waking delivery and saying whom the bot expects to reach. Never waits for delivery.
 */
export class ManagerNotices implements ChangeNotices {
  constructor(private readonly deps: ManagerNoticesDeps) {}

  /**
   * Who hears about changes like `event`: it needs only the kind, the subscriptions, the person and
   * the actor, which are known before the change is written.
   */
  async prepare(directory: DirectoryPort, event: ChangeEvent): Promise<PreparedNotice> {
    return recipientsOf(directory, event);
  }

  /** Inside the change's transaction: one pending outbox entry per recipient; an entry that exists is left alone. */
  async queueIn(tx: Transaction, event: ChangeEvent, notice: PreparedNotice, at: string): Promise<string[]> {
    const queued: string[] = [];
    for (const entry of outboxEntriesFor(event, notice.recipients, at)) {
      if (await tx.outbox.get(entry.key)) continue;
      await tx.outbox.put(entry);
      queued.push(entry.key);
    }
    return queued;
  }

  /** After the commit: delivery starts, and the answer says who is being told and how. */
  async told(_event: ChangeEvent, queued: readonly string[], notice: PreparedNotice): Promise<NotificationPlan> {
    if (queued.length > 0) this.deps.deliveries.queued(queued);
    const lastReach = await this.deps.store.read(async (tx) => {
      const found = new Map<string, ReachRecord>();
      for (const person of notice.people) {
        const record = await tx.reach.get(person.id);
        if (record) found.set(person.id, record);
      }
      return found;
    });
    await this.deps.addresses.whenKnown?.();
    return forecast(this.deps.addresses, notice.people, lastReach);
  }
}

/**
 * Runs the last moment, after the change is committed: its failure must not turn a saved change into
 * a refusal, so it is reported and the answer says nothing about who was told.
 */
export async function toldAfterCommit(
  notices: ChangeNotices,
  event: ChangeEvent,
  queued: readonly string[],
  notice: PreparedNotice,
  reportError: (error: unknown) => void,
): Promise<NotificationPlan | undefined> {
  try {
    return await notices.told(event, queued, notice);
  } catch (error) {
    reportError(error);
    return undefined;
  }
}

/** For a use case built without anyone to tell (a unit under test): nobody is told, nothing is queued. */
export const TELL_NOBODY: ChangeNotices = {
  prepare: async () => ({ recipients: [], people: [] }),
  queueIn: async () => [],
  told: async () => ({ recipients: [] }),
};
