import type { CardJson } from '../cards/render';
import type { StoredConversationReference } from '../domain/model';

/**
 * How a notification reaches Teams: send to a conversation the bot knows, or start a 1:1 chat with a
 * person who never wrote to the bot. One attempt per call, never retried inside: the dispatcher
 * decides about retries, so that they are never multiplied by a library's own.
 */
export interface NotificationTransport {
  send(reference: StoredConversationReference, message: OutgoingMessage): Promise<TransportResult<{ readonly activityId?: string }>>;
  createPersonalChat(address: PersonalChatAddress): Promise<TransportResult<{ readonly conversationId: string }>>;
}

export interface OutgoingMessage {
  readonly card: CardJson;
  /** What the Teams activity feed and a toast show. */
  readonly summary: string;
}

export interface PersonalChatAddress {
  readonly serviceUrl: string;
  readonly channelId: string;
  readonly botId: string;
  readonly tenantId: string;
  readonly aadObjectId: string;
}

/** A failed attempt, reduced to what retry decisions need. */
export interface SendFailure {
  /** The HTTP status; absent when no answer came (refused connection, timeout). */
  readonly status?: number;
  /** From Retry-After, when the answer had one. */
  readonly retryAfterMs?: number;
  /** The Bot Connector's error code, such as BotNotInConversationRoster. */
  readonly errorCode?: string;
  readonly message: string;
}

export type TransportResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: SendFailure };
