import { TurnContext } from 'botbuilder';
import type { StateStore } from '../store/port';
import { entryOf, putEntry } from '../store/records';
import type { StoredConversationReference } from '../store/state';
import type { AddressBook } from '../notifications/addressBook';
import type { PersonalChatAddress } from '../notifications/transport';
import { tenantOf } from './identity';

/** Two welcome events for one install (Teams sends installationUpdate and conversationUpdate, in either order). */
const WELCOME_DEDUPE_MS = 60_000;

/**
 * The one place that keeps conversation references current: saved on install and on a user's
 * message, saved when the bot starts a chat with someone, removed on uninstall and when Teams says
 * the app is gone (403). Proactive messages find people through it.
 */
export class ConversationReferences implements AddressBook {
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
      // Someone the bot could not reach has the app again: the old failure no longer says anything.
      if (next.aadObjectId && entryOf(state.reach, next.aadObjectId)?.status === 'unreachable') delete state.reach[next.aadObjectId];
    });
  }

  personalChatOf(aadObjectId: string): StoredConversationReference | undefined {
    return newest(Object.values(this.store.read().conversations).filter((c) => c.aadObjectId === aadObjectId && isPersonal(c)));
  }

  /**
   * Teams' service URL is per region, not per person: any conversation of the same tenant tells where
   * to start a chat, and failing that any conversation of this bot.
   */
  newChatAddress(tenantId: string, aadObjectId: string): PersonalChatAddress | undefined {
    const all = Object.values(this.store.read().conversations);
    const source = newest(all.filter((c) => c.tenantId === tenantId)) ?? newest(all);
    if (!source) return undefined;
    return { serviceUrl: source.serviceUrl, channelId: source.channelId, botId: source.botId, tenantId, aadObjectId };
  }

  async rememberStartedChat(address: PersonalChatAddress, conversationId: string): Promise<StoredConversationReference> {
    const reference: StoredConversationReference = {
      conversationId,
      serviceUrl: address.serviceUrl,
      channelId: address.channelId,
      botId: address.botId,
      aadObjectId: address.aadObjectId,
      tenantId: address.tenantId,
      conversationType: 'personal',
      updatedAt: this.now().toISOString(),
    };
    await this.store.update((state) => {
      state.conversations[conversationId] = { ...reference, ...state.conversations[conversationId] };
    });
    return this.store.read().conversations[conversationId] ?? reference;
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

function isPersonal(reference: StoredConversationReference): boolean {
  return reference.conversationType === undefined || reference.conversationType === 'personal';
}

function newest(references: readonly StoredConversationReference[]): StoredConversationReference | undefined {
  return references.reduce<StoredConversationReference | undefined>((best, r) => (!best || r.updatedAt > best.updatedAt ? r : best), undefined);
}

function sameReference(a: StoredConversationReference, b: StoredConversationReference): boolean {
  return a.serviceUrl === b.serviceUrl && a.botId === b.botId && a.userId === b.userId && a.aadObjectId === b.aadObjectId && a.tenantId === b.tenantId;
}
