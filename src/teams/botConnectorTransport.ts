import { ActivityTypes, CardFactory, type Activity } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { BotAdapter } from '../host/adapter';
import type { StoredConversationReference } from '../domain/model';
import type { NotificationTransport, OutgoingMessage, PersonalChatAddress, SendFailure, TransportResult } from '../notifications/transport';

export interface BotConnectorTransportOptions {
  /** The app id the bot runs as; '' without credentials (local development, the Agents Playground). */
  readonly botAppId: string;
  /** How long one request may take before it counts as failed (and may be retried). */
  readonly timeoutMs: number;
  /** Told once if botbuilder's own retries could not be turned off, so retries may multiply. */
  readonly warn: (message: string) => void;
}

/**
 * Sends through the Bot Connector with the client botbuilder builds for proactive turns, minus that
 * client's built-in retry policy. That policy (from @azure/core-rest-pipeline) retries 5xx and 408
 * three times with its own back-off, and a 429 or 503 only when Retry-After is present; left in
 * place, every retry of the dispatcher would become up to four requests. The dispatcher alone decides.
 */
export class BotConnectorTransport implements NotificationTransport {
  private warned = false;

  constructor(
    private readonly adapter: BotAdapter,
    private readonly options: BotConnectorTransportOptions,
  ) {}

  async send(reference: StoredConversationReference, message: OutgoingMessage): Promise<TransportResult<{ activityId?: string }>> {
    return this.attempt(reference.serviceUrl, async (connector) => {
      const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        summary: message.summary,
        attachments: [CardFactory.adaptiveCard(message.card)],
        // Teams shows the message in the activity feed, which is what an unprompted alert is for.
        channelData: { notification: { alert: true } },
        channelId: reference.channelId,
        serviceUrl: reference.serviceUrl,
        conversation: { id: reference.conversationId, isGroup: false, conversationType: reference.conversationType ?? 'personal', name: '', ...(reference.tenantId ? { tenantId: reference.tenantId } : {}) },
        from: { id: reference.botId, name: '' },
        ...(reference.userId ? { recipient: { id: reference.userId, name: '', ...(reference.aadObjectId ? { aadObjectId: reference.aadObjectId } : {}) } } : {}),
      };
      const response = await connector.conversations.sendToConversation(reference.conversationId, activity, { timeout: this.options.timeoutMs });
      return { ok: true, value: response.id ? { activityId: response.id } : {} };
    });
  }

  async createPersonalChat(address: PersonalChatAddress): Promise<TransportResult<{ conversationId: string }>> {
    return this.attempt(address.serviceUrl, async (connector) => {
      const created = await connector.conversations.createConversation(
        {
          isGroup: false,
          bot: { id: address.botId, name: '' },
          // Teams accepts the Entra object id as the member id of a 1:1 chat.
          members: [{ id: address.aadObjectId, name: '' }],
          tenantId: address.tenantId,
          channelData: { tenant: { id: address.tenantId } },
        },
        { timeout: this.options.timeoutMs },
      );
      if (!created.id) return { ok: false, failure: { status: created._response?.status, message: 'Teams created no conversation id.' } };
      return { ok: true, value: { conversationId: created.id } };
    });
  }

  private async attempt<T>(serviceUrl: string, work: (connector: ConnectorClient) => Promise<TransportResult<T>>): Promise<TransportResult<T>> {
    try {
      const connector = await this.adapter.connectorFor(serviceUrl, this.options.botAppId);
      if (!removeBuiltInRetries(connector) && !this.warned) {
        this.warned = true;
        this.options.warn('Could not turn off the Bot Connector client\'s built-in retries (botbuilder changed?); a throttled notification may be retried more often than NOTIFY_MAX_ATTEMPTS says.');
      }
      return await work(connector);
    } catch (error) {
      return { ok: false, failure: failureOf(error) };
    }
  }
}

interface PipelineLike {
  removePolicy(options: { name: string }): unknown;
  getOrderedPolicies(): readonly { readonly name: string }[];
}

/**
 * The client's pipeline is not public API: reach it defensively and say whether the retry policy is
 * gone. A unit test pins this against the installed botbuilder.
 */
export function removeBuiltInRetries(connector: ConnectorClient): boolean {
  const inner = fieldOf(connector, 'client');
  const pipeline = fieldOf(inner, 'pipeline');
  if (!isPipeline(pipeline)) return false;
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  return !pipeline.getOrderedPolicies().some((policy) => /retry/i.test(policy.name));
}

function isPipeline(value: unknown): value is PipelineLike {
  return typeof fieldOf(value, 'removePolicy') === 'function' && typeof fieldOf(value, 'getOrderedPolicies') === 'function';
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** Reads status, Retry-After and the Bot Connector's error code from whatever botbuilder threw. */
export function failureOf(error: unknown): SendFailure {
  const status = fieldOf(error, 'statusCode');
  const response = fieldOf(error, 'response');
  const headers = fieldOf(response, 'headers');
  const getHeader = fieldOf(headers, 'get');
  const retryAfter = typeof getHeader === 'function' ? parseRetryAfter((getHeader as (name: string) => unknown).call(headers, 'retry-after')) : undefined;
  const errorCode = errorCodeOf(fieldOf(error, 'details')) ?? errorCodeOf(parseJson(fieldOf(response, 'bodyAsText')));
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...(typeof status === 'number' ? { status } : {}),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    ...(errorCode ? { errorCode } : {}),
    message: message.slice(0, 300),
  };
}

function errorCodeOf(body: unknown): string | undefined {
  const code = fieldOf(fieldOf(body, 'error'), 'code');
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
