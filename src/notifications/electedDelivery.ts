import type { OutboxEntry } from '../domain/model';
import type { Lease } from '../domain/ports/leases';
import type { Deliveries } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import type { DeliveryLog } from './dispatcher';

/** What the elected instance runs: a Dispatcher, started when made and stopped when leadership ends. */
export interface DeliveryRun extends Deliveries {
  notify(keys?: readonly string[]): void;
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export interface ElectedDeliveryDeps {
  /** The one lease every instance competes for. */
  readonly lease: Lease;
  /** How long the lease lasts unless renewed (what it was taken for). */
  readonly leaseMs: number;
  readonly store: Store;
  /** Makes and starts a dispatcher; called each time this instance becomes the one that delivers. */
  readonly startDispatcher: () => DeliveryRun;
  /** Reads again what is known of reaching these people: another instance may have met them since. */
  readonly refreshAddresses: (people: readonly Person[]) => Promise<void>;
  readonly logger: DeliveryLog;
  /** How often the elected instance looks for entries other instances queued. */
  readonly pollMs?: number;
}

const DEFAULT_POLL_MS = 1_000;

/** Someone to tell, and their tenant. */
export interface Person {
  readonly id: string;
  readonly tenantId: string;
}

function peopleOf(entries: readonly OutboxEntry[]): Person[] {
  const byId = new Map(entries.map((entry) => [entry.recipientId, { id: entry.recipientId, tenantId: entry.tenantId }]));
  return [...byId.values()];
}

/**
 * Notification delivery when several instances share one state: Teams' rate limits are per bot, not
 * per instance, so exactly one instance delivers at a time. The instances compete for one lease; the
 * holder runs a dispatcher and renews the lease while it lives, and steps down (stopping the
 * dispatcher) as soon as a renewal fails or it cannot be sure it still holds it. When the holder is
 * killed, its lease lapses and the next instance to ask takes over, reading the pending outbox from
 * the store: nothing is lost; the sends the killed one had under way may go out twice.
 *
 * Entries other instances queue reach the holder by polling the pending outbox, which the store
 * keeps as a small index, so an idle poll reads almost nothing.
 */
export class ElectedDelivery implements Deliveries {
  private dispatcher: DeliveryRun | undefined;
  private known = new Set<string>();
  private lastRenewedAt = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly deps: ElectedDeliveryDeps) {}

  /** True while this instance holds the lease and delivers; the other background jobs follow it. */
  get isLeader(): boolean {
    return this.dispatcher !== undefined;
  }

  start(): void {
    this.loop ??= this.run();
  }

  queued(keys: readonly string[]): void {
    for (const key of keys) this.known.add(key);
    // Elsewhere, the holder's next poll finds them.
    this.dispatcher?.queued(keys);
  }

  async whenIdle(): Promise<void> {
    await this.dispatcher?.whenIdle();
  }

  /** Stops competing; the holder stops delivering (sends under way finish) and lets the lease go at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
    await this.stepDown('stopping');
  }

  private async run(): Promise<void> {
    const renewMs = this.deps.leaseMs / 3;
    while (!this.stopping) {
      try {
        await this.step(renewMs);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'Could not take part in choosing the instance that delivers notifications; trying again shortly.');
      }
      if (this.stopping) break;
      // Those waiting ask as often as the holder looks, so that a lapsed lease is taken within a poll.
      await this.sleep(Math.min(this.deps.pollMs ?? DEFAULT_POLL_MS, renewMs));
    }
  }

  private async step(renewMs: number): Promise<void> {
    const now = Date.now();
    if (!this.dispatcher) {
      if (await this.deps.lease.acquire()) {
        this.lastRenewedAt = now;
        await this.takeOver();
      }
      return;
    }
    if (now - this.lastRenewedAt >= renewMs) {
      const held = await this.deps.lease.renew().catch(() => undefined);
      if (held === true) this.lastRenewedAt = now;
      // Stop well before the lease could lapse at the service: two deliverers at once would break Teams' rate limits.
      else if (held === false || now - this.lastRenewedAt > (this.deps.leaseMs * 2) / 3) {
        await this.stepDown(held === false ? 'the lease was taken by another instance' : 'the lease could not be renewed in time');
        return;
      }
    }
    await this.poll();
  }

  private async takeOver(): Promise<void> {
    const pending = await this.deps.store.read((tx) => tx.outbox.listPending());
    await this.deps.refreshAddresses(peopleOf(pending));
    this.known = new Set(pending.map((entry) => entry.key));
    this.dispatcher = this.deps.startDispatcher();
    this.deps.logger.info({ pending: pending.length }, 'This instance now delivers notifications.');
  }

  /** Hands the dispatcher what other instances queued since the last look. */
  private async poll(): Promise<void> {
    const pending = await this.deps.store.read((tx) => tx.outbox.listPending());
    const fresh = pending.filter((entry) => !this.known.has(entry.key));
    this.known = new Set(pending.map((entry) => entry.key));
    if (fresh.length === 0 || !this.dispatcher) return;
    await this.deps.refreshAddresses(peopleOf(fresh));
    this.dispatcher.notify(fresh.map((entry) => entry.key));
  }

  private async stepDown(why: string): Promise<void> {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    this.dispatcher = undefined;
    this.deps.logger.info({ why }, 'This instance stops delivering notifications.');
    await dispatcher.stop();
    await this.deps.lease.release().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }
}
