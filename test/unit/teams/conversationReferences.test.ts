import assert from 'node:assert/strict';
import { createMemoryStore, type MemoryStateStore } from '../../../src/store/memoryStore';
import type { StoredConversationReference } from '../../../src/domain/model';
import type { TurnContext } from 'botbuilder';
import { ConversationReferences } from '../../../src/teams/conversationReferences';
import { personalMessage } from '../../support/personalMessage';

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

describe('Forgetting conversations Teams no longer confirms', () => {
  const DAY = 24 * 60 * 60 * 1000;
  let store: MemoryStateStore;
  let clock: Date;
  const errors: unknown[] = [];

  const message = (conversationId: string, aadObjectId: string): TurnContext => personalMessage(conversationId, aadObjectId, TENANT);

  async function open(): Promise<ConversationReferences> {
    return ConversationReferences.open(store, () => clock, { maxAgeMs: 180 * DAY, reportError: (error) => void errors.push(error) });
  }

  beforeEach(async () => {
    clock = new Date('2026-11-26T12:00:00.000Z');
    store = createMemoryStore();
    await store.updateState((state) => {
      for (const r of [
        reference('silent-chat', { aadObjectId: 'silent', updatedAt: '2026-05-01T00:00:00.000Z' }),
        reference('recent-chat', { aadObjectId: 'recent', updatedAt: '2026-11-20T00:00:00.000Z' }),
      ]) state.conversations[r.conversationId] = r;
    });
  });

  it('forgets at start a reference unconfirmed for longer than the age, from the store and from memory', async () => {
    const references = await open();
    assert.equal(references.personalChatOf('silent'), undefined);
    assert.equal(references.personalChatOf('recent')?.conversationId, 'recent-chat');
    assert.deepEqual(Object.keys(store.snapshot().conversations), ['recent-chat']);
    assert.deepEqual(errors, []);
  });

  it('keeps every reference without an age, as before', async () => {
    const references = await ConversationReferences.open(store, () => clock);
    assert.equal(references.personalChatOf('silent')?.conversationId, 'silent-chat');
  });

  it('counts a message as a confirmation, saved at most once a day, so an active chat is never forgotten', async () => {
    const references = await open();
    const confirmed = clock.toISOString();
    await references.remember(message('recent-chat', 'recent'));
    assert.equal(store.snapshot().conversations['recent-chat']?.updatedAt, confirmed, 'six days since the last confirmation: saved');
    clock = new Date(clock.getTime() + DAY / 2);
    await references.remember(message('recent-chat', 'recent'));
    assert.equal(store.snapshot().conversations['recent-chat']?.updatedAt, confirmed, 'half a day later: nothing to save');

    // Half a year later, only the chat that kept talking is still known.
    clock = new Date(clock.getTime() + 179 * DAY);
    await references.remember(message('recent-chat', 'recent'));
    await references.rememberStartedChat({ serviceUrl: 'https://smba.example.test/', channelId: 'msteams', botId: 'bot', tenantId: TENANT, aadObjectId: 'newcomer' }, 'new-chat');
    clock = new Date(clock.getTime() + 181 * DAY);
    await references.remember(message('recent-chat', 'recent'));
    assert.deepEqual(Object.keys(store.snapshot().conversations), ['recent-chat']);
    assert.equal(references.personalChatOf('newcomer'), undefined);
  });
});
