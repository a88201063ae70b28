import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import type { AuditEntry, BillingLink, StoredConversationReference } from '../../../src/domain/model';
import { openLowdbStore } from '../../../src/store/lowdbStore';
import { StateFileError, type StateStore } from '../../../src/store/port';
import { ConversationReferences } from '../../../src/teams/conversationReferences';
import { personalMessage } from '../../support/personalMessage';
import { makeTempFolder, removeTempFolder } from './helpers';

const TENANT = 'tenant-contoso';

function link(organizationId: string): BillingLink {
  return { organizationId, subscriptionId: `sub-${organizationId}`, linkedBy: 'user-1', linkedAt: '2024-01-01T00:00:00.000Z' };
}

function reference(conversationId: string, aadObjectId: string): StoredConversationReference {
  return {
    conversationId,
    serviceUrl: `https://smba.example.test/${conversationId}/`,
    channelId: 'msteams',
    botId: 'bot',
    aadObjectId,
    tenantId: TENANT,
    conversationType: 'personal',
    updatedAt: '2026-11-26T08:00:00.000Z',
  };
}

function audited(id: string, organizationId: string): AuditEntry {
  return { id, at: '2026-11-26T08:00:00.000Z', actorId: 'user-1', action: 'billing.setup', organizationId, toSubscriptionId: `sub-${organizationId}` };
}

const message = (conversationId: string, aadObjectId: string): TurnContext => personalMessage(conversationId, aadObjectId, TENANT);

/**
 * The bot opens its state without reading the conversation references, which only notifications
 * need, and reads them once it serves: what it saved must all be there, and a damaged journal must
 * still stop it without being overwritten.
 */
describe('Conversation references read after the start', () => {
  let folder: string;
  let stateFile: string;
  const opened: StateStore[] = [];

  async function open(readAfterStart: boolean): Promise<StateStore> {
    const store = await openLowdbStore(stateFile, { readAfterStart });
    opened.push(store);
    return store;
  }

  async function closeAll(): Promise<void> {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  }

  beforeEach(async () => {
    folder = await makeTempFolder();
    stateFile = path.join(folder, 'state.json');
    const first = await open(false);
    await first.transaction(async (tx) => {
      await tx.links.put(link('org-1'));
      await tx.conversations.put(reference('chat-1', 'person-1'));
      await tx.conversations.put(reference('chat-2', 'person-2'));
      await tx.audit.append(audited('audit-1', 'org-1'));
      await tx.audit.append(audited('audit-2', 'org-2'));
    });
    await closeAll();
  });

  afterEach(async () => {
    await closeAll();
    await removeTempFolder(folder);
  });

  it('answers from the rest of the state at once, and reads every saved reference when first asked', async () => {
    const store = await open(true);
    assert.equal((await store.read((tx) => tx.links.get('org-1')))?.subscriptionId, 'sub-org-1');
    assert.deepEqual(Object.keys(store.snapshot().conversations), [], 'not read yet');
    assert.equal((await store.read((tx) => tx.conversations.get('chat-2')))?.aadObjectId, 'person-2');
    assert.deepEqual(Object.keys(store.snapshot().conversations).sort(), ['chat-1', 'chat-2']);
  });

  it('keeps every saved reference when the first use is a write, across a restart', async () => {
    const store = await open(true);
    await store.transaction(async (tx) => {
      await tx.conversations.put(reference('chat-3', 'person-3'));
      await tx.conversations.delete('chat-1');
    });
    await closeAll();
    const reopened = await open(false);
    assert.deepEqual(Object.keys(reopened.snapshot().conversations).sort(), ['chat-2', 'chat-3']);
  });

  it('reports a damaged reference journal when it is read, naming it, and never writes to it', async () => {
    const journal = path.join(folder, 'state.conversations.1.jsonl');
    await fs.writeFile(journal, (await fs.readFile(journal, 'utf8')).replace('"person-1"', '"person-9"'));
    const damaged = await fs.readFile(journal, 'utf8');

    const store = await open(true);
    const names = (error: unknown): boolean => {
      assert.ok(error instanceof StateFileError, String(error));
      assert.ok(error.message.includes(journal), error.message);
      assert.match(error.message, /does not match its checksum/);
      return true;
    };
    await assert.rejects(store.read((tx) => tx.conversations.list()), names);
    await assert.rejects(store.transaction((tx) => tx.conversations.put(reference('chat-3', 'person-3'))), names);
    await closeAll();
    assert.equal(await fs.readFile(journal, 'utf8'), damaged);
  });

  it('lets a turn go on before the references are read, and saves its reference once they are', async () => {
    const store = await open(true);
    const references = ConversationReferences.unread(store, () => new Date('2026-11-26T12:00:00.000Z'));
    await references.remember(message('chat-new', 'newcomer'));
    assert.deepEqual(Object.keys(store.snapshot().conversations), [], 'the turn did not wait for the read');

    await references.whenKnown();
    await references.whenSaved();
    assert.equal(references.personalChatOf('person-1')?.conversationId, 'chat-1');
    assert.equal(references.personalChatOf('newcomer')?.conversationId, 'chat-new');
    await closeAll();
    const reopened = await open(false);
    assert.deepEqual(Object.keys(reopened.snapshot().conversations).sort(), ['chat-1', 'chat-2', 'chat-new']);
  });

  it('keeps the audit history on disk: what was saved before reads back from the journal, with what was added since', async () => {
    const store = await open(true);
    assert.deepEqual(store.snapshot().audit, [], 'the history is not held in memory');
    await store.transaction((tx) => tx.audit.append(audited('audit-3', 'org-1')));
    assert.deepEqual((await store.read((tx) => tx.audit.listOf('org-1'))).map((entry) => entry.id), ['audit-1', 'audit-3']);
    await closeAll();
    const reopened = await open(false);
    assert.deepEqual(reopened.snapshot().audit.map((entry) => entry.id), ['audit-1', 'audit-2', 'audit-3']);
  });

  it('reports a damaged audit journal when the history is read, naming it', async () => {
    const journal = path.join(folder, 'state.audit.1.jsonl');
    await fs.writeFile(journal, (await fs.readFile(journal, 'utf8')).replace('"org-2"', '"org-9"'));
    const store = await open(true);
    await assert.rejects(store.read((tx) => tx.audit.listOf('org-1')), (error: unknown) => error instanceof StateFileError && error.message.includes(journal));
  });
});
