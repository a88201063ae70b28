import type { StoredConversationReference } from '../domain/model';
import type { PersonalChatAddress } from './transport';

/**
 * Where people can be reached in Teams. The conversation references themselves are kept current in
 * one place (src/teams/conversationReferences.ts), which implements this.
 */
export interface AddressBook {
  /** The newest 1:1 chat the bot has with this person, if any. */
  personalChatOf(aadObjectId: string): StoredConversationReference | undefined;
  /** How to start a 1:1 chat with someone who never wrote to the bot; undefined when no Teams address is known for their tenant. */
  newChatAddress(tenantId: string, aadObjectId: string): PersonalChatAddress | undefined;
  /** Stores the reference of a chat the bot has just started. */
  rememberStartedChat(address: PersonalChatAddress, conversationId: string): Promise<StoredConversationReference>;
  /** Drops a reference Teams says is stale (the app was removed). */
  forget(conversationId: string): Promise<void>;
}
