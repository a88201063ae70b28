import type { StoredConversationReference } from '../../src/domain/model';
import type { NotificationTransport, OutgoingMessage, PersonalChatAddress, SendFailure, TransportResult } from '../../src/notifications/transport';

export interface TransportCall {
  readonly kind: 'send' | 'create';
  /** The conversation sent to, or the person a chat was started with. */
  readonly target: string;
  /** From the clock the test gives, so pacing can be checked without real waiting. */
  readonly at: number;
  readonly message?: OutgoingMessage;
  readonly failure?: SendFailure;
}

/**
 * A NotificationTransport for unit tests: records every call and answers success, or what the test
 * programmed for the next calls to a target. Started chats get the id `chat-<aadObjectId>`.
 */
export class RecordingTransport implements NotificationTransport {
  readonly calls: TransportCall[] = [];
  private readonly programmed: { target: string | undefined; failure: SendFailure; left: number }[] = [];

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The next `times` calls to `target` (any target when undefined) fail with `failure`. */
  failNext(failure: SendFailure, options: { target?: string; times?: number } = {}): this {
    this.programmed.push({ target: options.target, failure, left: options.times ?? 1 });
    return this;
  }

  get delivered(): TransportCall[] {
    return this.calls.filter((c) => c.kind === 'send' && !c.failure);
  }

  async send(reference: StoredConversationReference, message: OutgoingMessage): Promise<TransportResult<{ activityId?: string }>> {
    const failure = this.take(reference.conversationId);
    this.calls.push({ kind: 'send', target: reference.conversationId, at: this.now(), message, ...(failure ? { failure } : {}) });
    return failure ? { ok: false, failure } : { ok: true, value: { activityId: `activity-${this.calls.length}` } };
  }

  async createPersonalChat(address: PersonalChatAddress): Promise<TransportResult<{ conversationId: string }>> {
    const failure = this.take(address.aadObjectId);
    this.calls.push({ kind: 'create', target: address.aadObjectId, at: this.now(), ...(failure ? { failure } : {}) });
    return failure ? { ok: false, failure } : { ok: true, value: { conversationId: `chat-${address.aadObjectId}` } };
  }

  private take(target: string): SendFailure | undefined {
    const rule = this.programmed.find((p) => p.left > 0 && (p.target === undefined || p.target === target));
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.failure;
  }
}
