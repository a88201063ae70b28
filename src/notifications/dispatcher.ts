import type { OutboxEntry } from '../domain/model';
import type { Deliveries } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import type { AddressBook } from './addressBook';
import type { NotificationArchive } from './archive';
import { realClock, WakeSignal, type Clock } from './clock';
import { Deliverer } from './deliverer';
import type { DeliveryLog } from './deliveryLog';
import { FinishedArchiver, type ArchiveSettings } from './finishedArchiver';
import { toldTogether } from './outbox';
import { OutboxIndex } from './outboxIndex';
import type { PendingOutbox } from './pendingOutbox';
import { RateLimiter } from './rateLimiter';
import { DEFAULT_RETRY, type RetrySettings } from './retryPolicy';
import type { NotificationTransport, OutgoingMessage } from './transport';

export type { DeliveryLog } from './deliveryLog';

export interface DispatcherSettings extends ArchiveSettings {
  readonly perConversationPerSecond: number;
  readonly perSecond: number;
  readonly maxAttempts: number;
  /** Sends under way at once; one per person at most, whatever this says. */
  readonly maxInFlight?: number;
  /**
   * Changes to one organization queued for a person within this window go out as one message; each
   * change waits this long before its first attempt. 0 or absent: one message per change, at once.
   */
  readonly coalesceMs?: number;
  readonly retry?: Partial<Omit<RetrySettings, 'maxAttempts'>>;
}

export interface DispatcherDeps {
  readonly store: Store;
  readonly transport: NotificationTransport;
  readonly addresses: AddressBook;
  readonly render: (entry: OutboxEntry) => OutgoingMessage;
  /** One message for several changes to one organization; without it, every change is its own message. */
  readonly renderTogether?: (entries: readonly OutboxEntry[]) => OutgoingMessage;
  readonly archive: NotificationArchive;
  readonly logger: DeliveryLog;
  readonly settings: DispatcherSettings;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** A person whose last attempt broke on our side (say, the disk refused a write) waits this long. */
const LOCAL_FAILURE_PAUSE_MS = 30_000;
/** At most this many changes in one message, so that the card stays well under Teams' size limit. */
const MOST_TOLD_TOGETHER = 50;
/** After the store could not be read for the pending outbox, look again this long after. */
const INDEX_RETRY_MS = 5_000;

/**
 * Delivers the outbox in the background: paced per conversation and overall, one send at a time per
 * person (so each gets their notifications in order), every result written to the state before the
 * next send to that person, and a person's changes to one organization made within a short window
 * told in one message. Stopping lets the sends under way finish and record; whatever is still
 * pending stays pending for the next start.
 *
 * The pending outbox is kept in memory (see OutboxIndex), so that a pass reads nothing from the
 * store: it is read once at start, then only for the entries `notify` names, and every attempt's
 * record updates it as it is written. Entries are grouped into one message only when they are sent,
 * from what the outbox holds then, so a crash before the send loses none of them.
 */
export class Dispatcher implements Deliveries {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly wake: WakeSignal;
  private readonly outbox: OutboxIndex;
  private readonly archiver: FinishedArchiver;
  private readonly deliverer: Deliverer;
  private readonly coalesceMs: number;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** When the overall rate allows a request again, after a pass it stopped; undefined when it did not. */
  private rateFreeAt: number | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.clock = deps.clock ?? realClock;
    this.limiter = new RateLimiter(deps.settings.perConversationPerSecond, deps.settings.perSecond);
    this.wake = new WakeSignal(this.clock);
    const together = deps.renderTogether;
    this.coalesceMs = together ? (deps.settings.coalesceMs ?? 0) : 0;
    this.outbox = new OutboxIndex(deps.store, this.coalesceMs);
    this.archiver = new FinishedArchiver(deps.store, deps.archive, deps.logger, deps.settings);
    this.deliverer = new Deliverer({
      store: deps.store,
      transport: deps.transport,
      addresses: deps.addresses,
      render: (entries) => (entries.length > 1 && together ? together(entries) : deps.render(entries[0] as OutboxEntry)),
      logger: deps.logger,
      limiter: this.limiter,
      clock: this.clock,
      random: deps.random ?? Math.random,
      retry: { ...DEFAULT_RETRY, ...deps.settings.retry, maxAttempts: deps.settings.maxAttempts },
      settled: (key, stored) => this.outbox.settled(key, stored),
      finished: (count) => this.archiver.finished(count),
    });
  }

  start(): void {
    this.loop ??= this.run().catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'The notification dispatcher stopped unexpectedly; pending notifications go out after a restart.');
    });
  }

  /**
   * New entries are in the outbox: look now rather than at the next planned time. With their keys
   * they are read and added to the index before the next pass; without, the index is read again
   * whole from the store.
   */
  notify(keys?: readonly string[]): void {
    this.outbox.queued(keys);
    this.wake.notify();
  }

  /** The core's word that entries were committed to the outbox. */
  queued(keys: readonly string[]): void {
    this.notify(keys);
  }

  /** Stops taking new sends, waits for those under way to finish and be recorded. Pending stays pending. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.notify();
    await this.loop;
    this.releaseIdleWaiters();
  }

  /** Resolves when nothing is pending or under way (or the dispatcher stops). For tests and shutdown reports. */
  async whenIdle(): Promise<void> {
    // Not started: nothing else will read the outbox to tell whether anything is pending.
    if (!this.loop && !this.stopping && this.outbox.needsRead()) await this.outbox.read().catch(() => undefined);
    if (this.isIdle() || this.stopping) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.archiver.archiveIfDue(this.clock.now());
      // Read only when entries were queued (or at start): a pass over what the index holds needs none.
      const index = this.outbox.needsRead() ? await this.indexForPass() : this.outbox.current;
      const nextLook = index ? this.startDueSends(index) : this.clock.now() + INDEX_RETRY_MS;
      if (this.isIdle()) this.releaseIdleWaiters();
      if (this.stopping) break;
      await this.wake.wait(nextLook === undefined ? undefined : Math.max(0, nextLook - this.clock.now()));
      // While the overall rate allows no request, a wake-up (entries queued, a send finished) cannot
      // start anything: wait for the window to free rather than look again at everyone waiting.
      while (!this.stopping && this.rateFreeAt !== undefined && this.clock.now() < this.rateFreeAt) {
        await this.wake.wait(this.rateFreeAt - this.clock.now());
      }
      this.rateFreeAt = undefined;
    }
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts every send that pacing allows now; returns when to look again (undefined: on a wake-up). */
  private startDueSends(index: PendingOutbox): number | undefined {
    const now = this.clock.now();
    const floor = index.nothingDueBefore();
    if (floor > now) return Number.isFinite(floor) ? floor : undefined;
    const { due, firstDueAt: pendingAt } = index.dueHeads(now);
    let next = pendingAt !== undefined && pendingAt > now ? pendingAt : undefined;
    const earliest = (at: number): void => {
      next = next === undefined ? at : Math.min(next, at);
    };
    for (const entry of due) {
      if (this.inFlight.has(entry.recipientId)) continue;
      const paused = this.pausedUntil.get(entry.recipientId) ?? 0;
      if (paused > now) {
        earliest(paused);
        continue;
      }
      if (this.inFlight.size >= (this.deps.settings.maxInFlight ?? 16)) break;
      // Every request counts against the overall rate: once that allows none, no later entry can go
      // either, so stop here rather than look up the chat of everyone still waiting (in a fan-out to
      // a thousand people, that was most of the work, on every pass).
      const overall = this.limiter.delayFor(undefined, now);
      if (overall > 0) {
        if (Number.isFinite(overall)) {
          earliest(now + overall);
          this.rateFreeAt = now + overall;
        }
        break;
      }
      // The first request: the message itself, or, for someone without a chat, starting one (which
      // counts against the overall rate only; the message then waits for its own turn).
      const conversation = this.deps.addresses.personalChatOf(entry.recipientId) ? entry.recipientId : undefined;
      const wait = this.limiter.delayFor(conversation, now);
      if (wait > 0) {
        // Infinity: a request under way must finish first, and its completion wakes the loop.
        if (Number.isFinite(wait)) earliest(now + wait);
        continue;
      }
      const batch = this.coalesceMs > 0 ? index.batchFor(entry, (other) => toldTogether(entry, other, this.coalesceMs), MOST_TOLD_TOGETHER) : [entry];
      const sending = this.deliverer
        .deliver(batch, this.limiter.take(conversation))
        .catch((error: unknown) => {
          this.pausedUntil.set(entry.recipientId, this.clock.now() + LOCAL_FAILURE_PAUSE_MS);
          this.deps.logger.error({ err: error, key: entry.key }, 'A notification could not be processed; it stays pending and is tried again shortly.');
        })
        .finally(() => {
          this.inFlight.delete(entry.recipientId);
          this.wake.notify();
        });
      this.inFlight.set(entry.recipientId, sending);
    }
    return next;
  }

  private isIdle(): boolean {
    // Entries queued but not read yet count as pending: idle is never reported before they are in.
    return this.inFlight.size === 0 && this.outbox.isEmpty();
  }

  /** The index, brought up to date for a pass; undefined when the store could not be read (the pass waits). */
  private async indexForPass(): Promise<PendingOutbox | undefined> {
    try {
      return await this.outbox.read();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'The pending notifications could not be read; trying again shortly.');
      return undefined;
    }
  }

  private releaseIdleWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
