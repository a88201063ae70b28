import { TurnContext } from 'botbuilder';
import type { StateStore } from '../store/port';
import { entryOf, putEntry } from '../store/records';
import type { StoredConversationReference } from '../store/state';
import type { AddressBook } from '../notifications/addressBook';
import type { PersonalChatAddress } from '../notifications/transport';
import { tenantOf } from './identity';

/** The key of the newest conversation of any tenant; no tenant id is empty. */
const ANY_TENANT = '';

/** Two welcome events for one install (Teams sends installationUpdate and conversationUpdate, in either order). */
const WELCOME_DEDUPE_MS = 60_000;

/**
 * The one place that keeps conversation references current: saved on install and on a user's
 * message, saved when the bot starts a chat with someone, removed on uninstall and when Teams says
 * the app is gone (403). Proactive messages find people through it.
 */
export class ConversationReferences implements AddressBook {
  /**
   * The conversation ids of each person's personal chats, so that a notification finds its chat
   * without looking at every reference (100,000 of them took milliseconds per notification). Built
   * from the state on first use and kept current by this class's own writes, since it is the only
   * writer of conversation references; a lookup re-reads each entry, so an entry removed or changed
   * meanwhile is never answered from the index.
   */
  private chatsByPerson: Map<string, Set<string>> | undefined;
  /** The newest conversation id of each tenant, and of all (ANY_TENANT); a stale one sends the lookup back to the state. */
  private newestByTenant = new Map<string, string>();

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
    this.indexed(next);
  }

  personalChatOf(aadObjectId: string): StoredConversationReference | undefined {
    const conversations = this.store.read().conversations;
    const ids = this.personalChats().get(aadObjectId);
    if (!ids) return undefined;
    const chats = [...ids]
      .map((id) => entryOf(conversations, id))
      .filter((c): c is StoredConversationReference => c !== undefined && c.aadObjectId === aadObjectId && isPersonal(c));
    return newest(chats);
  }

  /**
   * Teams' service URL is per region, not per person: any conversation of the same tenant tells where
   * to start a chat, and failing that any conversation of this bot.
   */
  newChatAddress(tenantId: string, aadObjectId: string): PersonalChatAddress | undefined {
    const source = this.newestOf(tenantId) ?? this.newestOf(ANY_TENANT);
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
    const saved = this.store.read().conversations[conversationId] ?? reference;
    this.indexed(saved);
    return saved;
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
    // Ids of chats that are gone stay in the index until it is rebuilt; lookups skip them.
  }

  private personalChats(): Map<string, Set<string>> {
    if (!this.chatsByPerson) this.rebuildIndex();
    return this.chatsByPerson ?? new Map();
  }

  private rebuildIndex(): void {
    this.chatsByPerson = new Map();
    this.newestByTenant = new Map();
    for (const reference of Object.values(this.store.read().conversations)) this.indexed(reference);
  }

  private newestOf(tenantId: string): StoredConversationReference | undefined {
    if (!this.chatsByPerson) this.rebuildIndex();
    const find = (): StoredConversationReference | undefined => {
      const id = this.newestByTenant.get(tenantId);
      return id === undefined ? undefined : entryOf(this.store.read().conversations, id);
    };
    const found = find();
    if (found || !this.newestByTenant.has(tenantId)) return found;
    // The newest was forgotten since: look again at what is left.
    this.rebuildIndex();
    return find();
  }

  private indexed(reference: StoredConversationReference): void {
    // Not built yet: it will be built from the state, which holds this reference now.
    if (!this.chatsByPerson) return;
    for (const tenant of [reference.tenantId, ANY_TENANT]) {
      if (tenant === undefined) continue;
      const current = this.newestByTenant.get(tenant);
      const currentAt = current === undefined ? undefined : entryOf(this.store.read().conversations, current)?.updatedAt;
      if (currentAt === undefined || reference.updatedAt > currentAt) this.newestByTenant.set(tenant, reference.conversationId);
    }
    if (!reference.aadObjectId || !isPersonal(reference)) return;
    let ids = this.chatsByPerson.get(reference.aadObjectId);
    if (!ids) this.chatsByPerson.set(reference.aadObjectId, (ids = new Set()));
    ids.add(reference.conversationId);
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
