import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBot, type RunningBot } from '../../src/compose';
import { readConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { ConnectorStub } from '../support/connectorStub';
import { readSavedState } from '../support/savedState';
import { ALEX, CONTOSO_TENANT, DEMO_DIRECTORY, ORG_WEB, SUB_PAYG } from '../support/demoWorld';

/** The real server on a free port, with replies going to a loopback Bot Connector. */
describe('The bot over HTTP', function () {
  this.timeout(20_000);
  let folder: string;
  let connector: ConnectorStub;
  let bot: RunningBot;
  let base: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-http-'));
    connector = await ConnectorStub.start();
    const config = readConfig({ PORT: '0', STATE_FILE: path.join(folder, 'nested', 'state.json'), DIRECTORY_FILE: DEMO_DIRECTORY });
    bot = await startBot(config, silentLogger());
    base = `http://127.0.0.1:${bot.port}`;
  });

  afterEach(async () => {
    await bot.stop();
    await connector.stop();
    await rm(folder, { recursive: true, force: true });
  });

  function activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      channelId: 'msteams',
      serviceUrl: connector.url,
      id: `incoming-${Math.random()}`,
      from: { id: 'user-id-0', name: 'Alex Wilber', aadObjectId: ALEX },
      recipient: { id: 'bot-id', name: 'DevOps Billing' },
      conversation: { id: 'personal-conversation', conversationType: 'personal', tenantId: CONTOSO_TENANT },
      channelData: { tenant: { id: CONTOSO_TENANT } },
      ...extra,
    };
  }

  async function post(body: unknown, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function click(verb: string, data: Record<string, unknown>): Promise<string> {
    const answer = await post(activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
    assert.equal(answer.status, 200);
    return JSON.stringify(answer.body);
  }

  it('answers /healthz', async () => {
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 200);
  });

  it('runs set up billing end to end and persists the link to the state file', async () => {
    const sent = await post(activity({ type: 'message', text: 'set up billing' }));
    assert.equal(sent.status, 200);
    await connector.waitForSends(1);
    const reply = connector.sends[0];
    assert.ok(reply);
    assert.match(reply.path, /^\/v3\/conversations\/personal-conversation\/activities/);
    const card = JSON.stringify(reply.body);
    assert.match(card, /Step 1 of 3/);
    const flowId = /"flowId":"([^"]+)"/.exec(card)?.[1];
    assert.ok(flowId);

    assert.match(await click('flow.organization', { flowId, organizationId: ORG_WEB }), /Step 2 of 3/);
    assert.match(await click('flow.subscription', { flowId, subscriptionId: SUB_PAYG }), /Step 3 of 3/);
    assert.match(await click('flow.confirm', { flowId }), /Billing is set up/);

    const onDisk = (await readSavedState(path.join(folder, 'nested', 'state.json'))) as { links: Record<string, { subscriptionId: string }> };
    assert.equal(onDisk.links[ORG_WEB]?.subscriptionId, SUB_PAYG);
  });

  it('makes a first purchase with the set-up, and still shows it after a restart', async () => {
    await post(activity({ type: 'message', text: 'buy' }));
    await connector.waitForSends(1);
    const flowId = /"flowId":"([^"]+)"/.exec(JSON.stringify(connector.sends[0]?.body))?.[1];
    assert.ok(flowId);
    assert.match(await click('quantities.organization', { flowId, organizationId: ORG_WEB }), /Step 2 of 3: quantities/);
    // contoso-web's Artifacts already pay as used in the demo directory; a first purchase keeps that.
    const numbers = { microsoftHostedJobs: '1', selfHostedJobs: '3', artifactsLimit: 'payAsYouGo' };
    const subscriptions = await click('quantities.review', { flowId, ...numbers });
    const setupFlowId = /"verb":"flow\.subscription","data":\{"flowId":"([^"]+)"/.exec(subscriptions)?.[1];
    assert.ok(setupFlowId, subscriptions);
    assert.match(await click('flow.subscription', { flowId: setupFlowId, subscriptionId: SUB_PAYG }), /0 USD → 85 USD/);
    assert.match(await click('flow.confirm', { flowId: setupFlowId }), /Your purchase is made/);

    await bot.stop();
    const config = readConfig({ PORT: '0', STATE_FILE: path.join(folder, 'nested', 'state.json'), DIRECTORY_FILE: DEMO_DIRECTORY });
    bot = await startBot(config, silentLogger());
    base = `http://127.0.0.1:${bot.port}`;

    const sent = connector.sends.length;
    await post(activity({ type: 'message', text: 'status' }));
    await connector.waitForSends(sent + 1);
    assert.match(JSON.stringify(connector.sends[sent]?.body), /1 Microsoft-hosted parallel job and 3 self-hosted parallel jobs, on top of the free tier/);
  });

  const badRequests: { name: string; body: string; contentType?: string; status: number }[] = [
    { name: 'malformed JSON', body: '{"type":', status: 400 },
    { name: 'a JSON array', body: '[]', status: 400 },
    { name: 'an activity without a conversation', body: JSON.stringify({ type: 'message', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'x' }, recipient: { id: 'y' } }), status: 400 },
    { name: 'a body over the size limit', body: JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) }), status: 413 },
    { name: 'plain text', body: 'help', contentType: 'text/plain', status: 415 },
  ];
  for (const bad of badRequests) {
    it(`rejects ${bad.name} with ${bad.status} and keeps serving`, async () => {
      const answer = await post(bad.body, bad.contentType);
      assert.equal(answer.status, bad.status);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    });
  }
});
