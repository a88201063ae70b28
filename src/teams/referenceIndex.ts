import type { StoredConversationReference } from '../domain/model';

/** The key of the newest conversation of any tenant; no tenant id is empty. */
const ANY_TENANT = '';

/**
 * Conversation references held in memory, indexed for what proactive messages ask: a person's
 * personal chats, and the newest conversation of a tenant (where to start a chat). Kept current by
 * `cache` and `uncache` as references are read and written, so no lookup looks at every reference.
 */
export class ReferenceIndex {
  /** Every reference, by conversation id, as last written. */
  private readonly byId = new Map<string, StoredConversationReference>();
  /** The conversation ids of each person's personal chats. */
  private readonly chatsByPerson = new Map<string, Set<string>>();
  /** The newest conversation id of each tenant, and of all (ANY_TENANT). */
  private readonly newestByTenant = new Map<string, string>();

  get(conversationId: string): StoredConversationReference | undefined {
    return this.byId.get(conversationId);
  }

  all(): IterableIterator<StoredConversationReference> {
    return this.byId.values();
  }

  /** The ids of a person's personal chats, as a copy that may be changed while walked. */
  chatIdsOf(aadObjectId: string): string[] {
    return [...(this.chatsByPerson.get(aadObjectId) ?? [])];
  }

  /** The newest of a person's personal chats. */
  personalChatOf(aadObjectId: string): StoredConversationReference | undefined {
    const ids = this.chatsByPerson.get(aadObjectId);
    if (!ids) return undefined;
    const chats: StoredConversationReference[] = [];
    for (const id of ids) {
      const chat = this.byId.get(id);
      if (chat) chats.push(chat);
    }
    return newest(chats);
  }

  newestOfAny(): StoredConversationReference | undefined {
    return this.newestOf(ANY_TENANT);
  }

  newestOf(tenantId: string): StoredConversationReference | undefined {
    const id = this.newestByTenant.get(tenantId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Keeps a reference just read or written, in place of the one it replaces. */
  cache(reference: StoredConversationReference): void {
    const id = reference.conversationId;
    const previous = this.byId.get(id);
    this.byId.set(id, reference);
    if (previous) this.unindexChat(previous);
    this.indexChat(reference);
    const stale: string[] = [];
    // The tenant it belonged to no longer has it.
    if (previous?.tenantId !== undefined && previous.tenantId !== reference.tenantId && this.newestByTenant.get(previous.tenantId) === id) stale.push(previous.tenantId);
    for (const tenant of tenantsOf(reference)) {
      const currentId = this.newestByTenant.get(tenant);
      if (currentId === id) {
        // Still the newest, unless it went back in time.
        if (previous && reference.updatedAt < previous.updatedAt) stale.push(tenant);
        continue;
      }
      const currentAt = currentId === undefined ? undefined : this.byId.get(currentId)?.updatedAt;
      if (currentAt === undefined || reference.updatedAt > currentAt) this.newestByTenant.set(tenant, id);
    }
    if (stale.length > 0) this.findNewest(stale);
  }

  uncache(conversationId: string): void {
    const previous = this.byId.get(conversationId);
    if (!previous) return;
    this.byId.delete(conversationId);
    this.unindexChat(previous);
    const stale = tenantsOf(previous).filter((tenant) => this.newestByTenant.get(tenant) === conversationId);
    if (stale.length > 0) this.findNewest(stale);
  }

  /** Looks again at every reference for the newest of these tenants: only when the newest one left (an uninstall). */
  private findNewest(tenants: readonly string[]): void {
    for (const tenant of tenants) this.newestByTenant.delete(tenant);
    for (const reference of this.byId.values()) {
      for (const tenant of tenants) {
        if (tenant !== ANY_TENANT && reference.tenantId !== tenant) continue;
        const currentId = this.newestByTenant.get(tenant);
        const currentAt = currentId === undefined ? undefined : this.byId.get(currentId)?.updatedAt;
        if (currentAt === undefined || reference.updatedAt > currentAt) this.newestByTenant.set(tenant, reference.conversationId);
      }
    }
  }

  private indexChat(reference: StoredConversationReference): void {
    if (!reference.aadObjectId || !isPersonal(reference)) return;
    let ids = this.chatsByPerson.get(reference.aadObjectId);
    if (!ids) this.chatsByPerson.set(reference.aadObjectId, (ids = new Set()));
    ids.add(reference.conversationId);
  }

  private unindexChat(reference: StoredConversationReference): void {
    if (!reference.aadObjectId) return;
    const ids = this.chatsByPerson.get(reference.aadObjectId);
    if (!ids) return;
    ids.delete(reference.conversationId);
    if (ids.size === 0) this.chatsByPerson.delete(reference.aadObjectId);
  }
}

function tenantsOf(reference: StoredConversationReference): string[] {
  return reference.tenantId === undefined ? [ANY_TENANT] : [reference.tenantId, ANY_TENANT];
}

function isPersonal(reference: StoredConversationReference): boolean {
  return reference.conversationType === undefined || reference.conversationType === 'personal';
}

function newest(references: readonly StoredConversationReference[]): StoredConversationReference | undefined {
  return references.reduce<StoredConversationReference | undefined>((best, r) => (!best || r.updatedAt > best.updatedAt ? r : best), undefined);
}
