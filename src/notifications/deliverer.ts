import type { DeliveryFailure, OutboxEntry, StoredConversationReference } from '../domain/model';
import type { Store } from '../domain/ports/store';
import type { AddressBook } from './addressBook';
import type { Clock } from './clock';
import type { DeliveryLog } from './deliveryLog';
import { markDelivered, markFailed, markRetry, type DeliveryRecords } from './outbox';
import type { RateLimiter, Ticket } from './rateLimiter';
import { decideRetry, type RetrySettings } from './retryPolicy';
import type { NotificationTransport, OutgoingMessage, SendFailure } from './transport';

/** While a request under way holds the last place in the window, look again this often. */
const PACING_POLL_MS = 50;

export interface DelivererParts {
  readonly store: Store;
  readonly transport: NotificationTransport;
  readonly addresses: AddressBook;
  /** One message for the entries given: one change, or several of one organization told together. */
  readonly render: (entries: readonly OutboxEntry[]) => OutgoingMessage;
  readonly logger: DeliveryLog;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly random: () => number;
  readonly retry: RetrySettings;
  /** Told what the store holds under a key after each record, so the dispatcher's index follows it. */
  readonly settled: (key: string, stored: OutboxEntry | undefined) => void;
  /** Told how many entries just finished (delivered or failed for good). */
  readonly finished: (count: number) => void;
}

/**
 * One attempt to tell one person: the entries given go out as one message (starting a chat first
 * when the bot has none with them), and the outcome is written for every one of them in one
 * transaction, so they are delivered, retried or given up together.
 */
export class Deliverer {
  constructor(private readonly parts: DelivererParts) {}

  /** `ticket` is the pacing place of the first request. The entries are one person's. */
  async deliver(entries: readonly OutboxEntry[], ticket: Ticket): Promise<void> {
    const { limiter, clock, addresses, transport } = this.parts;
    const head = entries[0];
    if (!head) return;
    let held: Ticket | undefined = ticket;
    const done = (): void => {
      if (held) limiter.finish(held, clock.now());
      held = undefined;
    };
    try {
      let message: OutgoingMessage;
      try {
        message = this.parts.render(entries);
      } catch (error) {
        done();
        this.parts.logger.error({ err: error, ...logged(entries) }, 'A notification card could not be built.');
        await this.fail(entries, { code: 'rejected', reason: 'The notification card could not be built; tell whoever runs this bot.' }, 'render failed');
        return;
      }
      let reference = addresses.personalChatOf(head.recipientId);
      if (!reference) {
        const started = await this.startChat(entries, done);
        if (!started) return;
        reference = started;
        held = await this.paceMessage(head.recipientId);
      }
      const sent = await transport.send(reference, message);
      done();
      if (sent.ok) {
        const at = new Date(clock.now()).toISOString();
        const conversationId = reference.conversationId;
        await this.record(entries, (tx, key) => markDelivered(tx, key, at, conversationId));
        this.parts.finished(entries.length);
        this.parts.logger.debug({ ...logged(entries), recipientId: head.recipientId }, 'Notification delivered.');
        return;
      }
      await this.handleFailure(entries, sent.failure, reference.conversationId);
    } finally {
      done();
    }
  }

  /** Starts a 1:1 chat with someone the bot has none with, and stores it; undefined when that failed (recorded). */
  private async startChat(entries: readonly OutboxEntry[], requestDone: () => void): Promise<StoredConversationReference | undefined> {
    const head = entries[0] as OutboxEntry;
    const address = this.parts.addresses.newChatAddress(head.tenantId, head.recipientId);
    if (!address) {
      requestDone();
      await this.fail(entries, { code: 'no-address', reason: 'Nobody in their tenant has used DevOps Billing in Teams yet, so there is no Teams address to reach them at. Ask them to install it.' }, 'no service URL for the tenant');
      return undefined;
    }
    const created = await this.parts.transport.createPersonalChat(address);
    requestDone();
    if (!created.ok) {
      await this.handleFailure(entries, created.failure, undefined);
      return undefined;
    }
    return this.parts.addresses.rememberStartedChat(address, created.value.conversationId);
  }

  /** Waits until a message to this person may start, and takes its place. */
  private async paceMessage(recipientId: string): Promise<Ticket> {
    const { limiter, clock } = this.parts;
    for (;;) {
      const wait = limiter.delayFor(recipientId, clock.now());
      if (wait === 0) return limiter.take(recipientId);
      // Not cut short by a stop: a send under way finishes, and the wait is about a second at most.
      await clock.sleep(Number.isFinite(wait) ? wait : PACING_POLL_MS, new AbortController().signal);
    }
  }

  private async handleFailure(entries: readonly OutboxEntry[], failure: SendFailure, conversationId: string | undefined): Promise<void> {
    const head = entries[0] as OutboxEntry;
    const decision = decideRetry(failure, head.attempts + 1, this.parts.retry, this.parts.random);
    const summary = `${failure.status ?? 'no answer'}${failure.errorCode ? ` ${failure.errorCode}` : ''}: ${failure.message}`;
    if (decision.kind === 'retry') {
      const notBefore = new Date(this.parts.clock.now() + decision.delayMs).toISOString();
      await this.record(entries, (tx, key) => markRetry(tx, key, notBefore, summary));
      this.parts.logger.info({ ...logged(entries), status: failure.status, retryInMs: decision.delayMs }, 'Notification not delivered yet; retrying later.');
      return;
    }
    if (decision.dropReference && conversationId) await this.parts.addresses.forget(conversationId);
    await this.fail(entries, decision.failure, summary);
  }

  private async fail(entries: readonly OutboxEntry[], failure: DeliveryFailure, summary: string): Promise<void> {
    const at = new Date(this.parts.clock.now()).toISOString();
    await this.record(entries, (tx, key) => markFailed(tx, key, at, failure, summary));
    this.parts.logger.warn({ ...logged(entries), recipientId: entries[0]?.recipientId, reason: failure.reason }, 'Notification undeliverable.');
    this.parts.finished(entries.length);
  }

  /** Writes one record per entry in one transaction, then tells the index what each key holds now. */
  private async record(entries: readonly OutboxEntry[], write: (tx: DeliveryRecords, key: string) => Promise<OutboxEntry | undefined>): Promise<void> {
    const stored = await this.parts.store.transaction(async (tx) => {
      const after: [string, OutboxEntry | undefined][] = [];
      for (const entry of entries) after.push([entry.key, await write(tx, entry.key)]);
      return after;
    });
    for (const [key, entry] of stored) this.parts.settled(key, entry);
  }
}

/** The log fields naming what an attempt was about: the first entry's key, and every key when there were several. */
function logged(entries: readonly OutboxEntry[]): { readonly key: string; readonly coalesced?: readonly string[] } {
  const key = entries[0]?.key ?? '';
  return entries.length === 1 ? { key } : { key, coalesced: entries.map((entry) => entry.key) };
}
