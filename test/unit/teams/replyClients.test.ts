import assert from 'node:assert/strict';
import type { Activity, TurnContext } from 'botbuilder';
import { createAdapter } from '../../../src/host/adapter';
import type { BotAdapter } from '../../../src/teams/botAdapter';
import { ConnectorStub } from '../../support/connectorStub';

/** Turns reply through Bot Connector clients kept from one turn to the next, one per service URL. */
describe('Replies through kept Bot Connector clients', function () {
  this.timeout(20_000);
  let west: ConnectorStub;
  let east: ConnectorStub;
  let adapter: BotAdapter;

  beforeEach(async () => {
    west = await ConnectorStub.start();
    east = await ConnectorStub.start();
    adapter = createAdapter(undefined);
  });

  afterEach(async () => {
    await Promise.all([west.stop(), east.stop()]);
  });

  /** Runs a message turn from `serviceUrl` that replies with `text`; returns the client the turn replied through. */
  async function turn(serviceUrl: string, conversationId: string, text: string): Promise<unknown> {
    return (await turnClients(serviceUrl, conversationId, text)).connector;
  }

  /** Runs a message turn as `turn` does; returns the Bot Connector and user-token clients the turn had. */
  async function turnClients(serviceUrl: string, conversationId: string, text: string): Promise<{ connector: unknown; userToken: unknown }> {
    const activity = {
      type: 'message',
      id: `m-${text}`,
      channelId: 'msteams',
      serviceUrl,
      text,
      from: { id: 'user', aadObjectId: 'aad-user' },
      recipient: { id: '28:bot' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: 't' },
    } as Activity;
    const verdict = await adapter.authenticate(activity, '');
    assert.ok(verdict.ok);
    const clients = { connector: undefined as unknown, userToken: undefined as unknown };
    await adapter.processAuthenticated(verdict.identity, activity, async (context: TurnContext) => {
      clients.connector = context.turnState.get(adapter.ConnectorClientKey);
      clients.userToken = context.turnState.get(adapter.UserTokenClientKey);
      await context.sendActivity(`echo ${text}`);
    });
    return clients;
  }

  it('sends each reply to the service URL its own turn came from, turn after turn', async () => {
    const first = await turn(west.url, 'a:west', 'one');
    await turn(east.url, 'a:east', 'two');
    const third = await turn(west.url, 'a:west', 'three');
    assert.deepEqual(west.deliveredActivities().map((s) => [s.conversationId, s.body.text]), [['a:west', 'echo one'], ['a:west', 'echo three']]);
    assert.deepEqual(east.deliveredActivities().map((s) => [s.conversationId, s.body.text]), [['a:east', 'echo two']]);
    // The second turn from the same service URL replied through the client the first one made.
    assert.equal(third, first);
  });

  it('gives every turn of the bot the one sign-in client, whichever service URL the turn came from', async () => {
    const first = await turnClients(west.url, 'a:west', 'one');
    const second = await turnClients(east.url, 'a:east', 'two');
    assert.ok(first.userToken, 'the turn can sign the user in');
    assert.equal(second.userToken, first.userToken);
    assert.deepEqual(east.deliveredActivities().map((s) => s.body.text), ['echo two']);
  });
});
