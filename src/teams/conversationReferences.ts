import { TurnContext } from 'botbuilder';
import type { StateStore } from '../store/port';
import { entryOf, putEntry } from '../store/records';
import type { StoredConversationReference } from '../store/state';
import { tenantOf } from './identity';

/** Two welcome events for one install (Teams sends installationUpdate and conversationUpdate, in either order). */
const WELCOME_DEDUPE_MS = 60_000;

/**
 * The one place that keeps conversation references current: saved on install and on a user's
 * message, removed on uninstall. Later proactive messages read them from the store.
 */
export class ConversationReferences {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Saves the reference of this turn's conversation, writing only when something changed. */
  async remember(context: TurnContext): Promise<void> {
    const next = this.referenceOf(context);
    if (!next) return;
    const known = entryOf(this.store.read().conversations, next.conversationId);
    if (known && sameReference(known, next)) return;
    await this.store.update((state) => {
      const previous = entryOf(state.conversations, next.conversationId);
      putEntry(state.conversations, next.conversationId, { ...next, ...(previous?.welcomedAt ? { welcomedAt: previous.welcomedAt } : {}) });
    });
  }

  /**
   * Records that this conversation is being welcomed and says whether it should be: false when it
   * was welcomed a moment ago by the other half of the same install.
   */
  async claimWelcome(context: TurnContext): Promise<boolean> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return true;
    const now = this.now();
    return this.store.update((state) => {
      const entry = entryOf(state.conversations, conversationId);
      if (!entry) return true;
      const last = entry.welcomedAt ? Date.parse(entry.welcomedAt) : Number.NEGATIVE_INFINITY;
      if (now.getTime() - last < WELCOME_DEDUPE_MS) return false;
      entry.welcomedAt = now.toISOString();
      return true;
    });
  }

  async forget(conversationId: string): Promise<void> {
    if (!entryOf(this.store.read().conversations, conversationId)) return;
    await this.store.update((state) => {
      delete state.conversations[conversationId];
    });
  }

  private referenceOf(context: TurnContext): StoredConversationReference | undefined {
    const reference = TurnContext.getConversationReference(context.activity);
    const conversationId = reference.conversation?.id;
    const serviceUrl = reference.serviceUrl;
    if (!conversationId || !serviceUrl) return undefined;
    const tenantId = tenantOf(context);
    const conversationType = reference.conversation?.conversationType;
    // A personal chat belongs to one user; in a group chat or channel the sender changes with every
    // message and says nothing about whom the conversation reaches.
    const personal = conversationType === undefined || conversationType === 'personal';
    const aadObjectId = personal ? context.activity.from?.aadObjectId : undefined;
    const userId = personal ? reference.user?.id : undefined;
    return {
      conversationId,
      serviceUrl,
      channelId: reference.channelId ?? 'msteams',
      botId: reference.bot?.id ?? '',
      ...(userId ? { userId } : {}),
      ...(aadObjectId ? { aadObjectId } : {}),
      ...(tenantId ? { tenantId } : {}),
      ...(conversationType ? { conversationType } : {}),
      updatedAt: this.now().toISOString(),
    };
  }
}

function sameReference(a: StoredConversationReference, b: StoredConversationReference): boolean {
  return a.serviceUrl === b.serviceUrl && a.botId === b.botId && a.userId === b.userId && a.aadObjectId === b.aadObjectId && a.tenantId === b.tenantId;
}
