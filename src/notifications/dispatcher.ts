import type { DeliveryFailure, OutboxEntry, StoredConversationReference } from '../domain/model';
import type { Deliveries } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import type { AddressBook } from './addressBook';
import type { NotificationArchive } from './archive';
import { realClock, WakeSignal, type Clock } from './clock';
import { dueEntries, finishedToArchive, markDelivered, markFailed, markRetry, nextDueAt, removeArchived } from './outbox';
import { PendingOutbox } from './pendingOutbox';
import { RateLimiter, type Ticket } from './rateLimiter';
import { DEFAULT_RETRY, decideRetry, type RetrySettings } from './retryPolicy';
import type { NotificationTransport, OutgoingMessage, SendFailure } from './transport';

export interface DispatcherSettings {
  readonly perConversationPerSecond: number;
  readonly perSecond: number;
  readonly maxAttempts: number;
  /** Sends under way at once; one per person at most, whatever this says. */
  readonly maxInFlight?: number;
  /** Finished entries stay in the state file this long, then move to the archive. */
  readonly keepFinishedMs?: number;
  /** And at most this many stay, however recent. */
  readonly keepFinished?: number;
  readonly retry?: Partial<Omit<RetrySettings, 'maxAttempts'>>;
}

/**
 * Where the dispatcher says what became of notifications: fields for programs, a sentence for
 * people. The process's logger fits it; delivery needs nothing more of logging.
 */
export interface DeliveryLog {
  debug(fields: Readonly<Record<string, unknown>>, message: string): void;
  info(fields: Readonly<Record<string, unknown>>, message: string): void;
  warn(fields: Readonly<Record<string, unknown>>, message: string): void;
  error(fields: Readonly<Record<string, unknown>>, message: string): void;
}

export interface DispatcherDeps {
  readonly store: Store;
  readonly transport: NotificationTransport;
  readonly addresses: AddressBook;
  readonly render: (entry: OutboxEntry) => OutgoingMessage;
  readonly archive: NotificationArchive;
  readonly logger: DeliveryLog;
  readonly settings: DispatcherSettings;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** A person whose last attempt broke on our side (say, the disk refused a write) waits this long. */
const LOCAL_FAILURE_PAUSE_MS = 30_000;
const ARCHIVE_CHECK_EVERY_MS = 10_000;
const ARCHIVE_BATCH = 50;
/** While a request under way holds the last place in the window, look again this often. */
const PACING_POLL_MS = 50;
/** After the store could not be read for the pending outbox, look again this long after. */
const INDEX_RETRY_MS = 5_000;

/**
 * Delivers the outbox in the background: paced per conversation and overall, one send at a time per
 * person (so each gets their notifications in order), every result written to the state before the
 * next send to that person. Stopping lets the sends under way finish and record; whatever is still
 * pending stays pending for the next start.
 *
 * The pending outbox is kept in memory (see PendingOutbox), so that a pass reads nothing from the
 * store: it is read once at start, then only for the entries `notify` names, and every attempt's
 * record updates it as it is written.
 */
export class Dispatcher implements Deliveries {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly limiter: RateLimiter;
  private readonly wake: WakeSignal;
  private readonly retry: RetrySettings;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  private stopping = false;
  private lastArchiveCheck = Number.NEGATIVE_INFINITY;
  /** Entries finished since the archive was last looked at: enough of them, and it is looked at again. */
  private finishedSinceArchiveCheck = 0;
  /** When the overall rate allows a request again, after a pass it stopped; undefined when it did not. */
  private rateFreeAt: number | undefined;
  /** The pending outbox by person; undefined until first read from the store. */
  private pendingIndex: PendingOutbox | undefined;
  /** Told of new entries without their keys: read the whole pending outbox again before the next pass. */
  private rebuildIndex = true;
  /** Keys of entries queued since the last pass, to read and add before the next. */
  private keysToAdd: string[] = [];
  /** The read for the index under way, if any: one at a time, shared by whoever needs it. */
  private indexRead: Promise<PendingOutbox> | undefined;
  /**
   * While a read for the index is under way, what this dispatcher's own writes left under each key
   * meanwhile: the read may predate them, and then what it says of those entries is out of date.
   */
  private writtenDuringRead: Map<string, OutboxEntry | undefined> | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.clock = deps.clock ?? realClock;
    this.random = deps.random ?? Math.random;
    this.limiter = new RateLimiter(deps.settings.perConversationPerSecond, deps.settings.perSecond);
    this.wake = new WakeSignal(this.clock);
    this.retry = { ...DEFAULT_RETRY, ...deps.settings.retry, maxAttempts: deps.settings.maxAttempts };
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
    if (keys) this.keysToAdd.push(...keys);
    else {
      this.rebuildIndex = true;
      // The whole read takes them in.
      this.keysToAdd = [];
    }
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
    if (!this.loop && !this.stopping && this.indexNeedsRead()) await this.readIndex().catch(() => undefined);
    if (this.isIdle() || this.stopping) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      await this.archiveIfDue();
      // Read only when entries were queued (or at start): a pass over what the index holds needs none.
      const index = this.indexNeedsRead() ? await this.indexForPass() : this.pendingIndex;
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
    const heads = index.heads();
    const pendingAt = nextDueAt(heads);
    let next = pendingAt !== undefined && pendingAt > now ? pendingAt : undefined;
    const earliest = (at: number): void => {
      next = next === undefined ? at : Math.min(next, at);
    };
    for (const entry of dueEntries(heads, now)) {
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
      const sending = this.deliver(entry, this.limiter.take(conversation))
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

  /** One attempt for one entry. `ticket` is the pacing place of its first request. */
  private async deliver(entry: OutboxEntry, ticket: Ticket): Promise<void> {
    let held: Ticket | undefined = ticket;
    const done = (): void => {
      if (held) this.limiter.finish(held, this.clock.now());
      held = undefined;
    };
    try {
      let message: OutgoingMessage;
      try {
        message = this.deps.render(entry);
      } catch (error) {
        done();
        this.deps.logger.error({ err: error, key: entry.key }, 'A notification card could not be built.');
        await this.fail(entry, { code: 'rejected', reason: 'The notification card could not be built; tell whoever runs this bot.' }, 'render failed');
        return;
      }
      let reference = this.deps.addresses.personalChatOf(entry.recipientId);
      if (!reference) {
        const started = await this.startChat(entry, done);
        if (!started) return;
        reference = started;
        held = await this.paceMessage(entry.recipientId);
      }
      const sent = await this.deps.transport.send(reference, message);
      done();
      if (sent.ok) {
        const at = new Date(this.clock.now()).toISOString();
        const conversationId = reference.conversationId;
        this.settled(entry.key, await this.deps.store.transaction((tx) => markDelivered(tx, entry.key, at, conversationId)));
        this.finishedSinceArchiveCheck++;
        this.deps.logger.debug({ key: entry.key, recipientId: entry.recipientId }, 'Notification delivered.');
        return;
      }
      await this.handleFailure(entry, sent.failure, reference.conversationId);
    } finally {
      done();
    }
  }

  /** Starts a 1:1 chat with someone the bot has none with, and stores it; undefined when that failed (recorded). */
  private async startChat(entry: OutboxEntry, requestDone: () => void): Promise<StoredConversationReference | undefined> {
    const address = this.deps.addresses.newChatAddress(entry.tenantId, entry.recipientId);
    if (!address) {
      requestDone();
      await this.fail(entry, { code: 'no-address', reason: 'Nobody in their tenant has used DevOps Billing in Teams yet, so there is no Teams address to reach them at. Ask them to install it.' }, 'no service URL for the tenant');
      return undefined;
    }
    const created = await this.deps.transport.createPersonalChat(address);
    requestDone();
    if (!created.ok) {
      await this.handleFailure(entry, created.failure, undefined);
      return undefined;
    }
    return this.deps.addresses.rememberStartedChat(address, created.value.conversationId);
  }

  /** Waits until a message to this person may start, and takes its place. */
  private async paceMessage(recipientId: string): Promise<Ticket> {
    for (;;) {
      const wait = this.limiter.delayFor(recipientId, this.clock.now());
      if (wait === 0) return this.limiter.take(recipientId);
      // Not cut short by a stop: a send under way finishes, and the wait is about a second at most.
      await this.clock.sleep(Number.isFinite(wait) ? wait : PACING_POLL_MS, new AbortController().signal);
    }
  }

  private async handleFailure(entry: OutboxEntry, failure: SendFailure, conversationId: string | undefined): Promise<void> {
    const decision = decideRetry(failure, entry.attempts + 1, this.retry, this.random);
    const summary = `${failure.status ?? 'no answer'}${failure.errorCode ? ` ${failure.errorCode}` : ''}: ${failure.message}`;
    if (decision.kind === 'retry') {
      const notBefore = new Date(this.clock.now() + decision.delayMs).toISOString();
      this.settled(entry.key, await this.deps.store.transaction((tx) => markRetry(tx, entry.key, notBefore, summary)));
      this.deps.logger.info({ key: entry.key, status: failure.status, retryInMs: decision.delayMs }, 'Notification not delivered yet; retrying later.');
      return;
    }
    if (decision.dropReference && conversationId) await this.deps.addresses.forget(conversationId);
    await this.fail(entry, decision.failure, summary);
  }

  private async fail(entry: OutboxEntry, failure: DeliveryFailure, summary: string): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    this.settled(entry.key, await this.deps.store.transaction((tx) => markFailed(tx, entry.key, at, failure, summary)));
    this.deps.logger.warn({ key: entry.key, recipientId: entry.recipientId, reason: failure.reason }, 'Notification undeliverable.');
    this.finishedSinceArchiveCheck++;
  }

  private async archiveIfDue(): Promise<void> {
    const now = this.clock.now();
    const keep = this.deps.settings.keepFinished ?? 200;
    // Looked at every ARCHIVE_BATCH finished entries, so that a busy outbox is archived in batches
    // (not one line at a time), and at least every ARCHIVE_CHECK_EVERY_MS; not on every pass, since
    // finding what leaves looks at the whole outbox.
    if (this.finishedSinceArchiveCheck < ARCHIVE_BATCH && now - this.lastArchiveCheck < ARCHIVE_CHECK_EVERY_MS) return;
    this.lastArchiveCheck = now;
    this.finishedSinceArchiveCheck = 0;
    try {
      const finished = await this.deps.store.read((tx) => tx.outbox.listFinished());
      const leaving = finishedToArchive(finished, now, this.deps.settings.keepFinishedMs ?? 60 * 60_000, keep);
      if (leaving.length === 0) return;
      // Appended first, removed second: a crash in between repeats a line of history, never loses one.
      await this.deps.archive.append(leaving);
      await this.deps.store.transaction((tx) => removeArchived(tx, leaving));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Finished notifications could not be moved to the archive; they stay in the state file for now.');
    }
  }

  private isIdle(): boolean {
    // Entries queued but not read yet count as pending: idle is never reported before they are in.
    return this.inFlight.size === 0 && !this.indexNeedsRead() && (this.pendingIndex?.size ?? 0) === 0;
  }

  private indexNeedsRead(): boolean {
    return this.rebuildIndex || this.pendingIndex === undefined || this.keysToAdd.length > 0;
  }

  /** The index, brought up to date for a pass; undefined when the store could not be read (the pass waits). */
  private async indexForPass(): Promise<PendingOutbox | undefined> {
    try {
      return await this.readIndex();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'The pending notifications could not be read; trying again shortly.');
      return undefined;
    }
  }

  private readIndex(): Promise<PendingOutbox> {
    this.indexRead ??= this.readIntoIndex().finally(() => {
      this.indexRead = undefined;
    });
    return this.indexRead;
  }

  /** Reads what the index lacks: the whole pending outbox when asked to rebuild, else the entries just queued. */
  private async readIntoIndex(): Promise<PendingOutbox> {
    const current = this.rebuildIndex ? undefined : this.pendingIndex;
    const keys = this.keysToAdd.splice(0);
    this.rebuildIndex = false;
    const written = new Map<string, OutboxEntry | undefined>();
    this.writtenDuringRead = written;
    try {
      if (!current) {
        const index = PendingOutbox.of(await this.deps.store.read((tx) => tx.outbox.listPending()));
        for (const [key, stored] of written) index.settle(key, stored);
        this.pendingIndex = index;
        return index;
      }
      const index = current;
      const entries = await this.deps.store.read((tx) => Promise.all(keys.map((key) => tx.outbox.get(key))));
      // An entry this dispatcher wrote meanwhile is known better from its own write (already in the index).
      index.add(entries.filter((entry) => entry !== undefined && !written.has(entry.key)));
      return index;
    } catch (error) {
      // Nothing was lost: the same read is made again before the next pass.
      if (!current) this.rebuildIndex = true;
      else this.keysToAdd.unshift(...keys);
      throw error;
    } finally {
      if (this.writtenDuringRead === written) this.writtenDuringRead = undefined;
    }
  }

  /** An attempt's record was written: the index follows what the store now holds under `key`. */
  private settled(key: string, stored: OutboxEntry | undefined): void {
    this.pendingIndex?.settle(key, stored);
    this.writtenDuringRead?.set(key, stored);
  }

  private releaseIdleWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
