import { TurnContext } from 'botbuilder';
import type { StoredConversationReference } from '../domain/model';
import type { TeamsAddresses } from '../domain/ports/notifications';
import type { Store } from '../domain/ports/store';
import type { AddressBook } from '../notifications/addressBook';
import type { PersonalChatAddress } from '../notifications/transport';
import { tenantOf } from './identity';
import { ReferenceIndex } from './referenceIndex';

/** Two welcome events for one install (Teams sends installationUpdate and conversationUpdate, in either order). */
const WELCOME_DEDUPE_MS = 60_000;

/** A message in a known conversation saves its confirmation at most this often: not a write per message. */
const CONFIRMATION_REFRESH_MS = 24 * 60 * 60 * 1000;
/** References indexed between two turns of the event loop while they are read. */
const LOAD_SLICE = 5000;
/** How often references nobody confirmed for too long are looked for, on the next message. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** How long a reference is kept without a word from its conversation, and who hears of a failed prune. */
export interface ReferenceKeeping {
  readonly maxAgeMs: number;
  readonly reportError: (error: unknown) => void;
  /** Who hears of a reference that could not be saved after the turn that brought it had ended (see `remember`). */
  readonly reportLateSave?: (error: unknown) => void;
}

/**
 * The one place that keeps conversation references current: saved on install and on a user's
 * message, saved when the bot starts a chat with someone, removed on uninstall and when Teams says
 * the app is gone (403). Proactive messages find people through it.
 *
 * Every reference is held in memory, read once (`load`) and kept current by this class's own writes
 * (it is the only writer of conversation references): a notification, and the forecast of who will be
 * reached, then find a chat without reading the store, and without looking at every reference
 * (100,000 of them took milliseconds per notification). The bot reads them after it has started
 * serving (100,000 take most of a second), so the lookups below answer only once `whenKnown` has
 * resolved; a turn that only needs its own reference saved does not wait for that.
 */
export class ConversationReferences implements AddressBook, TeamsAddresses {
  /** Every reference as last written, and where to find each person's chats and each tenant's newest. */
  private readonly index = new ReferenceIndex();
  private prunedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;
  private loaded = false;
  /** Saves of turns that came before the references were read, made once they are. */
  private readonly lateSaves = new Set<Promise<void>>();

  private constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly keeping: ReferenceKeeping | undefined,
  ) {}

  /** Reads the references saved so far, forgetting the unconfirmed (see pruneIfDue); then answers from memory. */
  static async open(store: Store, now: () => Date = () => new Date(), keeping?: ReferenceKeeping): Promise<ConversationReferences> {
    const references = ConversationReferences.unread(store, now, keeping);
    await references.load();
    return references;
  }

  /** The references before they are read: `load` reads them, and so does the first method that needs them. */
  static unread(store: Store, now: () => Date = () => new Date(), keeping?: ReferenceKeeping): ConversationReferences {
    return new ConversationReferences(store, now, keeping);
  }

  /** Reads the references saved so far, once; every caller gets the same promise. */
  load(): Promise<void> {
    this.loading ??= (async () => {
      const saved = await this.store.read((tx) => tx.conversations.list());
      for (let start = 0; start < saved.length; start += LOAD_SLICE) {
        // Turns go on between slices: 100,000 references indexed at once held the event loop for a fifth of a second.
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        for (const reference of saved.slice(start, start + LOAD_SLICE)) this.index.cache(reference);
      }
      this.loaded = true;
      await this.pruneIfDue();
    })();
    return this.loading;
  }

  /** Resolves when the lookups (personalChatOf, hasPersonalChat, newChatAddress, canStartChat) answer for every saved reference. */
  whenKnown(): Promise<void> {
    return this.load();
  }

  /** Resolves when the saves `remember` left for after the read have been made (or reported). */
  async whenSaved(): Promise<void> {
    while (this.lateSaves.size > 0) await Promise.all(this.lateSaves);
  }

  /**
   * Forgets references whose conversation said nothing (no message, no install) for longer than the
   * configured age: each is held in memory, and one Teams no longer has only fails later. A person
   * still reachable gets a new chat, which Teams answers with the one it has. At most once an hour.
   */
  async pruneIfDue(): Promise<number> {
    const now = this.now().getTime();
    if (!this.keeping || now - this.prunedAt < PRUNE_INTERVAL_MS) return 0;
    this.prunedAt = now;
    const cutoff = new Date(now - this.keeping.maxAgeMs).toISOString();
    const old = [...this.index.all()].filter((reference) => reference.updatedAt < cutoff).map((reference) => reference.conversationId);
    if (old.length === 0) return 0;
    try {
      const forgotten = await this.store.transaction(async (tx) => {
        const gone: string[] = [];
        // The store decides: a reference confirmed since it was read stays.
        for (const id of old) {
          const stored = await tx.conversations.get(id);
          if (stored && stored.updatedAt < cutoff) {
            await tx.conversations.delete(id);
            gone.push(id);
          }
        }
        return gone;
      });
      for (const id of forgotten) this.index.uncache(id);
      return forgotten.length;
    } catch (error) {
      // Kept for now; the next look, an hour later, tries again.
      this.keeping.reportError(error);
      return 0;
    }
  }

  /** Saves the reference of this turn's conversation, writing only when something changed. */
  async remember(context: TurnContext): Promise<void> {
    const next = this.referenceOf(context);
    if (!next) return;
    if (!this.loaded) {
      // The turn goes on: its reference is saved once the others have been read, so a user's first
      // command after a start never waits for all of them.
      const save = this.load()
        .then(() => this.save(next))
        .catch((error: unknown) => (this.keeping?.reportLateSave ?? this.keeping?.reportError)?.(error))
        .finally(() => this.lateSaves.delete(save));
      this.lateSaves.add(save);
      return;
    }
    await this.save(next);
  }

  private async save(next: StoredConversationReference): Promise<void> {
    const known = this.index.get(next.conversationId);
    if (known && sameReference(known, next) && Date.parse(next.updatedAt) - Date.parse(known.updatedAt) < CONFIRMATION_REFRESH_MS) {
      await this.pruneIfDue();
      return;
    }
    const saved = await this.store.transaction(async (tx) => {
      const previous = await tx.conversations.get(next.conversationId);
      const reference: StoredConversationReference = { ...next, ...(previous?.welcomedAt ? { welcomedAt: previous.welcomedAt } : {}) };
      await tx.conversations.put(reference);
      // Someone the bot could not reach has the app again: the old failure no longer says anything.
      if (next.aadObjectId && (await tx.reach.get(next.aadObjectId))?.status === 'unreachable') await tx.reach.delete(next.aadObjectId);
      return reference;
    });
    this.index.cache(saved);
    await this.pruneIfDue();
  }

  personalChatOf(aadObjectId: string): StoredConversationReference | undefined {
    return this.index.personalChatOf(aadObjectId);
  }

  hasPersonalChat(aadObjectId: string): boolean {
    return this.personalChatOf(aadObjectId) !== undefined;
  }

  /**
   * Teams' service URL is per region, not per person: every conversation of the same tenant tells where
   * to start a chat, and failing that any conversation of this bot.
   */
  newChatAddress(tenantId: string, aadObjectId: string): PersonalChatAddress | undefined {
    const source = this.index.newestOf(tenantId) ?? this.index.newestOfAny();
    if (!source) return undefined;
    return { serviceUrl: source.serviceUrl, channelId: source.channelId, botId: source.botId, tenantId, aadObjectId };
  }

  canStartChat(tenantId: string, aadObjectId: string): boolean {
    return this.newChatAddress(tenantId, aadObjectId) !== undefined;
  }

  async rememberStartedChat(address: PersonalChatAddress, conversationId: string): Promise<StoredConversationReference> {
    await this.load();
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
    const saved = await this.store.transaction(async (tx) => {
      // Teams answers with the chat it already has, if any: what is known of it stays.
      const existing = await tx.conversations.get(conversationId);
      const chat: StoredConversationReference = existing ? { ...reference, ...existing } : reference;
      await tx.conversations.put(chat);
      return chat;
    });
    this.index.cache(saved);
    return saved;
  }

  /**
   * Records that this conversation is being welcomed and says whether it should be: false when it
   * was welcomed a moment ago by the other half of the same install.
   */
  async claimWelcome(context: TurnContext): Promise<boolean> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return true;
    await this.load();
    const now = this.now();
    const claim = await this.store.transaction(async (tx): Promise<{ readonly welcome: boolean; readonly saved?: StoredConversationReference }> => {
      const entry = await tx.conversations.get(conversationId);
      if (!entry) return { welcome: true };
      const last = entry.welcomedAt ? Date.parse(entry.welcomedAt) : Number.NEGATIVE_INFINITY;
      if (now.getTime() - last < WELCOME_DEDUPE_MS) return { welcome: false };
      const welcomed: StoredConversationReference = { ...entry, welcomedAt: now.toISOString() };
      await tx.conversations.put(welcomed);
      return { welcome: true, saved: welcomed };
    });
    if (claim.saved) this.index.cache(claim.saved);
    return claim.welcome;
  }

  async forget(conversationId: string): Promise<void> {
    await this.load();
    // The store decides, not memory: an uninstall must remove the reference whatever this process saw.
    await this.store.transaction(async (tx) => {
      if (await tx.conversations.get(conversationId)) await tx.conversations.delete(conversationId);
    });
    this.index.uncache(conversationId);
  }

  /**
   * Reads these people's references from the store again, replacing what memory held: with several
   * instances on one store, another one may have saved or dropped them since this one started.
   */
  async refresh(people: readonly { readonly id: string; readonly tenantId: string }[]): Promise<void> {
    await this.load();
    for (const person of people) {
      const saved = await this.store.read((tx) => tx.conversations.listByPerson(person.id));
      const savedIds = new Set(saved.map((reference) => reference.conversationId));
      for (const id of this.index.chatIdsOf(person.id)) if (!savedIds.has(id)) this.index.uncache(id);
      for (const reference of saved) this.index.cache(reference);
    }
    // A tenant this instance has not met yet: where to start chats there is known from any of its
    // conversations, so read them all again (once per new tenant, not per notification).
    if (people.some((person) => this.index.newestOf(person.tenantId) === undefined)) {
      for (const reference of await this.store.read((tx) => tx.conversations.list())) this.index.cache(reference);
    }
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
