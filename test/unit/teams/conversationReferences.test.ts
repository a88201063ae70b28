import assert from 'node:assert/strict';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import type { StoredConversationReference } from '../../../src/domain/model';
import { ConversationReferences } from '../../../src/teams/conversationReferences';

const TENANT = 'tenant-contoso';
const OTHER_TENANT = 'tenant-fabrikam';

function reference(conversationId: string, fields: Partial<StoredConversationReference>): StoredConversationReference {
  return {
    conversationId,
    serviceUrl: `https://smba.example.test/${conversationId}/`,
    channelId: 'msteams',
    botId: 'bot',
    tenantId: TENANT,
    conversationType: 'personal',
    updatedAt: '2026-11-26T08:00:00.000Z',
    ...fields,
  };
}

describe('Finding where to reach a person', () => {
  let store: MemoryStateStore;
  let references: ConversationReferences;

  async function saved(...list: StoredConversationReference[]): Promise<void> {
    await store.updateState((state) => {
      for (const r of list) state.conversations[r.conversationId] = r;
    });
  }

  beforeEach(async () => {
    store = createMemoryStore();
    // Saved by an earlier run: many people, one of them with two personal chats, and a group chat.
    await saved(
      ...Array.from({ length: 500 }, (_, i) => reference(`chat-${i}`, { aadObjectId: `person-${i}` })),
      reference('older-chat-of-7', { aadObjectId: 'person-7', updatedAt: '2026-11-01T08:00:00.000Z' }),
      reference('group', { conversationType: 'groupChat', updatedAt: '2026-11-26T09:00:00.000Z' }),
      reference('fabrikam-chat', { aadObjectId: 'fabrikam-person', tenantId: OTHER_TENANT, updatedAt: '2026-11-26T10:00:00.000Z' }),
    );
    references = await ConversationReferences.open(store, () => new Date('2026-11-26T12:00:00.000Z'));
  });

  it('finds a person\'s newest personal chat among the references saved before, never a group chat', () => {
    assert.equal(references.personalChatOf('person-7')?.conversationId, 'chat-7');
    assert.equal(references.personalChatOf('person-499')?.conversationId, 'chat-499');
    assert.equal(references.personalChatOf('nobody'), undefined);
  });

  it('finds a chat it started after the first lookup, and stops finding a chat it forgot', async () => {
    assert.equal(references.personalChatOf('newcomer'), undefined);
    await references.rememberStartedChat({ serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', tenantId: TENANT, aadObjectId: 'newcomer' }, 'started-chat');
    assert.equal(references.personalChatOf('newcomer')?.conversationId, 'started-chat');

    await references.forget('chat-7');
    assert.equal(references.personalChatOf('person-7')?.conversationId, 'older-chat-of-7', 'the other chat is left');
    await references.forget('older-chat-of-7');
    assert.equal(references.personalChatOf('person-7'), undefined);
  });

  it('after a restart, finds the chats it started and not those it forgot', async () => {
    await references.rememberStartedChat({ serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', tenantId: TENANT, aadObjectId: 'newcomer' }, 'started-chat');
    await references.forget('chat-7');
    const reopened = await ConversationReferences.open(store);
    assert.equal(reopened.personalChatOf('newcomer')?.conversationId, 'started-chat');
    assert.equal(reopened.personalChatOf('person-7')?.conversationId, 'older-chat-of-7');
  });

  it('starts a new chat where the newest conversation of the tenant is, and of any tenant when the tenant has none', async () => {
    assert.equal(references.newChatAddress(TENANT, 'someone')?.serviceUrl, 'https://smba.example.test/group/');
    assert.equal(references.newChatAddress('tenant-unknown', 'someone')?.serviceUrl, 'https://smba.example.test/fabrikam-chat/');
    await references.forget('group');
    assert.match(references.newChatAddress(TENANT, 'someone')?.serviceUrl ?? '', /chat-\d+\/$/, 'the next newest of the tenant, once the newest is gone');
    await references.rememberStartedChat({ serviceUrl: 'https://smba.example.test/newest/', channelId: 'msteams', botId: 'bot', tenantId: TENANT, aadObjectId: 'x' }, 'newest');
    assert.equal(references.newChatAddress(TENANT, 'someone')?.serviceUrl, 'https://smba.example.test/newest/');
  });
});
