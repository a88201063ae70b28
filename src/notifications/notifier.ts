import type { BillingChangeListener, NotificationPlan } from '../billing/changeListener';
import type { DirectoryPort } from '../directory/port';
import type { ChangeEvent } from '../store/changeEvent';
import type { StateStore } from '../store/port';
import type { AddressBook } from './addressBook';
import { forecast } from './forecast';
import { enqueue } from './outbox';
import { recipientsOf } from './recipients';

export interface NotifierDeps {
  /**
   * The directory that names billing managers, for every change. Absent with per-person directories
   * (DIRECTORY=azure): then each change brings the directory it was made with, and a change left over
   * from before a restart waits in the state until a later change brings one.
   */
  readonly directory?: DirectoryPort;
  readonly store: StateStore;
  readonly addresses: AddressBook;
  /** Told when new entries are in the outbox. */
  /** Tells the dispatcher which outbox entries were just queued. */
  readonly wake: (keys: readonly string[]) => void;
  readonly now?: () => Date;
  readonly reportError?: (error: unknown) => void;
}

/**
 * The billing change listener that notifies: it works out who must hear about a change, writes one
 * outbox entry per person (clearing the change's record in the same write), wakes the dispatcher and
 * says whom it expects to reach. It never waits for delivery.
 */
export class Notifier implements BillingChangeListener {
  private readonly now: () => Date;
  private readonly reportError: (error: unknown) => void;

  constructor(private readonly deps: NotifierDeps) {
    this.now = deps.now ?? (() => new Date());
    this.reportError = deps.reportError ?? (() => undefined);
  }

  async changed(event: ChangeEvent, directory?: DirectoryPort): Promise<NotificationPlan> {
    const source = directory ?? this.deps.directory;
    if (!source) return { recipients: [] };
    const plan = await this.queue(event, source);
    // A change recorded earlier but never queued (a crash, or a directory that failed) goes out now too.
    await this.recover(event.id, source).catch(this.reportError);
    return plan;
  }

  /** Queues every change recorded in the state but not yet turned into notifications. Returns how many. */
  async recover(except?: string, directory: DirectoryPort | undefined = this.deps.directory): Promise<number> {
    if (!directory) return 0;
    const leftover = Object.values(this.deps.store.read().changeEvents).filter((e) => e.id !== except);
    for (const event of leftover) await this.queue(event, directory);
    return leftover.length;
  }

  private async queue(event: ChangeEvent, directory: DirectoryPort): Promise<NotificationPlan> {
    const { recipients, people } = await recipientsOf(directory, event);
    const at = this.now().toISOString();
    const queued = await this.deps.store.update((state) => enqueue(state, event, recipients, at));
    this.deps.wake(queued);
    return forecast(this.deps.store.read(), this.deps.addresses, people);
  }
}
