import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openLowdbStore } from '../../../src/store/lowdbStore';
import { readStateSnapshot } from '../../../src/store/stateSnapshot';
import { BotProcess } from '../../support/botProcess';
import { ConnectorStub } from '../../support/connectorStub';
import { ALEX } from '../../support/demoWorld';
import { request, teamsActivity } from '../../support/httpBot';

const SAVED_REFERENCES = 30_000;

/**
 * The bot serves as soon as it listens and reads the conversation references it saved after that:
 * the first turn, sent the moment the process listens, must be answered right, and the reference
 * it brings must be saved with all the others.
 */
describe('The first turn after a start with many saved conversations', function () {
  this.timeout(60_000);
  let folder: string;
  let stateFile: string;
  let connector: ConnectorStub;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-first-turn-'));
    stateFile = path.join(folder, 'state.json');
    connector = await ConnectorStub.start();
    const store = await openLowdbStore(stateFile);
    await store.transaction(async (tx) => {
      for (let i = 0; i < SAVED_REFERENCES; i++) {
        await tx.conversations.put({ conversationId: `chat-${i}`, serviceUrl: connector.url, channelId: 'msteams', botId: 'bot-id', aadObjectId: `person-${i}`, tenantId: 'tenant-elsewhere', conversationType: 'personal', updatedAt: new Date().toISOString() });
      }
    });
    await store.close();
  });

  afterEach(async () => {
    await bot?.kill();
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers status correctly the moment the bot listens, and keeps every reference, the new one included', async () => {
    bot = await BotProcess.start({ stateFile, cwd: folder });
    const answer = await request(`${bot.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsActivity(connector.url, { type: 'message', text: 'status' })),
    });
    assert.equal(answer.status, 200);
    await connector.waitForSends(1, 10_000);
    assert.match(JSON.stringify(connector.sends[0]?.body ?? {}), /contoso-web/, 'the status card lists the caller\'s organizations');

    bot.signal('SIGTERM');
    assert.deepEqual(await bot.exited, { code: 0, signal: null });
    const conversations = Object.values((await readStateSnapshot(stateFile)).conversations);
    assert.equal(conversations.length, SAVED_REFERENCES + 1);
    assert.ok(conversations.some((reference) => reference.aadObjectId === ALEX), 'the first turn\'s reference is saved');
  });
});
