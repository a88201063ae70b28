import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBot, type RunningBot } from '../../src/compose';
import { readConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import type { BotState } from '../../src/store/state';
import { BotClient, flowIdIn, worldWithManagers } from '../support/botClient';
import { ConnectorStub, type RecordedSend } from '../support/connectorStub';
import { ADELE, DEMO_DIRECTORY, MEGAN, ORG_WEB, PATTI, SUB_EA, SUB_PAYG } from '../support/demoWorld';

/** The whole saved state of a bot on the file store. */
function stateOf(running: RunningBot): Readonly<BotState> {
  assert.ok(running.fileStore, 'the bot runs on the file store');
  return running.fileStore.snapshot();
}

/** Proactive notifications end to end: the real server and state file, a loopback Bot Connector. */
describe('Notifications over HTTP', function () {
  this.timeout(30_000);
  let folder: string;
  let connector: ConnectorStub;
  let bot: RunningBot | undefined;
  let client: BotClient;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-notify-'));
    connector = await ConnectorStub.start();
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<RunningBot> {
    const config = readConfig({ PORT: '0', STATE_FILE: path.join(folder, 'state.json'), DIRECTORY_FILE: DEMO_DIRECTORY, ...env });
    const running = await startBot(config, silentLogger());
    bot = running;
    client = new BotClient(`http://127.0.0.1:${running.port}`, connector.url);
    return running;
  }

  /** Proactive sends: activities to any conversation but Alex's own, where his replies go. */
  function proactive(): (RecordedSend & { conversationId: string })[] {
    return connector.deliveredActivities().filter((s) => s.conversationId !== 'personal-alex');
  }

  async function setUp(subscriptionId = SUB_PAYG): Promise<void> {
    const before = connector.sends.length;
    await client.say('set up billing');
    await connector.waitForSends(before + 1);
    const flowId = flowIdIn(JSON.stringify(connector.sends.at(-1)?.body));
    await client.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await client.click('flow.subscription', { flowId, subscriptionId });
    assert.match(await client.click('flow.confirm', { flowId }), /Billing is set up/);
  }

  it('adds a manager: the turn answers at once, then the new manager gets a welcome and the others a notice', async () => {
    const running = await start();
    await setUp();
    await running.notificationsIdle();
    assert.equal(proactive().filter((s) => s.conversationId === `created-${MEGAN}`).length, 1, 'Megan heard about the set-up');

    connector.delayMs = 1500;
    const flowId = flowIdIn(await client.click('manager.start', { kind: 'add', organizationId: ORG_WEB }));
    await client.click('manager.person', { flowId, principalId: ADELE });
    await client.click('manager.role', { flowId, role: 'Contributor' });
    const result = await client.click('manager.confirm', { flowId });
    assert.match(result, /Billing manager added/);
    assert.match(result, /Notifying in Teams: Adele Vance, Megan Bowen and Patti Fernandez/);
    const queued = Object.values(stateOf(running).outbox).filter((e) => e.event.kind === 'manager.add');
    assert.equal(queued.length, 3, 'Adele, Megan and Patti');
    assert.ok(queued.every((e) => e.status === 'pending'), 'the answer came before the slow Bot Connector finished');

    await running.notificationsIdle();
    const create = connector.sends.find((s) => s.path === '/v3/conversations' && JSON.stringify(s.body).includes(ADELE));
    assert.ok(create, 'a 1:1 chat was started with Adele');
    const toAdele = proactive().filter((s) => s.conversationId === `created-${ADELE}`);
    assert.equal(toAdele.length, 1);
    assert.match(JSON.stringify(toAdele[0]?.body), /You are now a billing manager of contoso-web/);
    const toMegan = proactive().filter((s) => s.conversationId === `created-${MEGAN}`);
    assert.equal(toMegan.length, 2);
    assert.match(JSON.stringify(toMegan[1]?.body), /New billing manager for contoso-web/);
    assert.equal(stateOf(running).conversations[`created-${ADELE}`]?.aadObjectId, ADELE, 'the new chat is remembered');
  });

  it('tells each manager of two quick changes in one message listing both (NOTIFY_COALESCE_SECONDS)', async () => {
    const running = await start({ NOTIFY_COALESCE_SECONDS: '10' });
    await setUp(SUB_PAYG);
    const before = connector.sends.length;
    await client.say('change billing');
    await connector.waitForSends(before + 1);
    const flowId = flowIdIn(JSON.stringify(connector.sends.at(-1)?.body));
    await client.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await client.click('flow.subscription', { flowId, subscriptionId: SUB_EA });
    assert.match(await client.click('flow.confirm', { flowId }), /Billing changed/);
    assert.equal(proactive().length, 0, 'nothing sent inside the window');

    await running.notificationsIdle();
    const toMegan = proactive().filter((s) => s.conversationId === `created-${MEGAN}`);
    assert.equal(toMegan.length, 1, 'one message for both changes');
    const text = JSON.stringify(toMegan[0]?.body);
    assert.match(text, /Alex Wilber made 2 changes to billing of contoso-web\./);
    assert.match(text, /Billing set up for contoso-web/);
    assert.match(text, /Billing of contoso-web moved/);
    const outbox = Object.values(stateOf(running).outbox).filter((e) => e.recipientId === MEGAN);
    assert.deepEqual(outbox.map((e) => e.status), ['delivered', 'delivered']);
  });

  it('retries a throttled send and delivers it once', async () => {
    const running = await start();
    connector.program({ status: 429, retryAfter: '1', when: (r) => r.path.includes(`created-${MEGAN}`) });
    connector.program({ status: 503, when: (r) => r.path.includes(`created-${MEGAN}`) });
    await setUp();
    await running.notificationsIdle();
    const attempts = connector.sends.filter((s) => s.path.includes(`created-${MEGAN}`));
    assert.deepEqual(attempts.map((s) => s.status), [429, 503, 200]);
    assert.ok((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0) >= 1000, 'Retry-After was honoured');
  });

  it('shows in managers that Teams refused to reach someone, and why', async () => {
    const running = await start();
    connector.program({ status: 403, errorCode: 'BotNotInConversationRoster', when: (r) => r.path === '/v3/conversations' && JSON.stringify(r.body).includes(MEGAN) });
    await setUp();
    await running.notificationsIdle();
    assert.deepEqual(proactive().map((s) => s.conversationId), [`created-${PATTI}`], 'only Patti, whom Teams let the bot reach, got it');
    const before = connector.sends.length;
    await client.say('managers');
    await connector.waitForSends(before + 1);
    assert.match(JSON.stringify(connector.sends.at(-1)?.body), /Megan Bowen[^"]*\(Contributor\)[\s\S]*Cannot be reached in Teams[\s\S]*not installed for them/);
  });

  it('resumes a burst after a stop in the middle, and nobody gets a notification twice', async () => {
    const { file, ids } = await worldWithManagers(folder, 30);
    const env = { DIRECTORY_FILE: file, NOTIFY_PER_SECOND: '20', NOTIFY_PER_CONVERSATION_PER_SECOND: '5' };
    const first = await start(env);
    connector.delayMs = 50;
    await setUp();
    await connector.waitUntil(() => proactive().length >= 5, 10_000);
    await first.stop();
    bot = undefined;
    const beforeRestart = proactive().length;
    assert.ok(beforeRestart < 31, `the stop came in the middle (${beforeRestart} of 31 sent)`);
    assert.ok(Object.values(stateOf(first).outbox).some((e) => e.status === 'pending'), 'some were left pending');

    const second = await start(env);
    await second.notificationsIdle();
    const perConversation = new Map<string, number>();
    for (const send of proactive()) perConversation.set(send.conversationId, (perConversation.get(send.conversationId) ?? 0) + 1);
    const expected = [MEGAN, PATTI, ...ids].map((id) => `created-${id}`).sort();
    assert.deepEqual([...perConversation.keys()].sort(), expected, 'every manager got it');
    assert.ok([...perConversation.values()].every((n) => n === 1), 'nobody twice');
  });

  it('paces real sends: no more than the configured number a second, overall and per chat', async () => {
    const { file } = await worldWithManagers(folder, 6);
    // One message per change, so that three changes in a few seconds are three messages to pace.
    const running = await start({ DIRECTORY_FILE: file, NOTIFY_PER_SECOND: '4', NOTIFY_PER_CONVERSATION_PER_SECOND: '2', NOTIFY_COALESCE_SECONDS: '0' });
    await setUp(SUB_PAYG);
    // Two more changes: Megan, manager of both subscriptions, hears about each.
    for (const subscriptionId of [SUB_EA, SUB_PAYG]) {
      const before = connector.sends.length;
      await client.say('change billing');
      await connector.waitForSends(before + 1);
      const flowId = flowIdIn(JSON.stringify(connector.sends.at(-1)?.body));
      await client.click('flow.organization', { flowId, organizationId: ORG_WEB });
      await client.click('flow.subscription', { flowId, subscriptionId });
      assert.match(await client.click('flow.confirm', { flowId }), /Billing changed/);
    }
    await running.notificationsIdle();
    const requests = connector.sends.filter((s) => !s.path.includes('personal-alex'));
    assert.ok(requests.length >= 18, `${requests.length} requests`);
    const t0 = requests[0]?.at ?? 0;
    assert.ok(busiest(requests) <= 4, `busiest second: ${busiest(requests)} requests\n${requests.map((r) => `${r.at - t0} ${r.status} ${r.path}`).join("\n")}`);
    const toMegan = requests.filter((s) => s.path.includes(`created-${MEGAN}`));
    assert.equal(toMegan.length, 3);
    assert.ok(busiest(toMegan) <= 2);
  });
});

function busiest(sends: readonly RecordedSend[]): number {
  const times = sends.map((s) => s.at).sort((a, b) => a - b);
  return times.reduce((most, start) => Math.max(most, times.filter((t) => t >= start && t < start + 1000).length), 0);
}
