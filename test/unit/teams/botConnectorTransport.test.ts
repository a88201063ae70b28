import assert from 'node:assert/strict';
import { createAdapter } from '../../../src/host/adapter';
import { BotConnectorTransport, removeBuiltInRetries } from '../../../src/teams/botConnectorTransport';
import type { StoredConversationReference } from '../../../src/domain/model';
import { ConnectorStub } from '../../support/connectorStub';

/** The real botbuilder client against a loopback Bot Connector: one attempt must be one request. */
describe('Sending through the Bot Connector', function () {
  this.timeout(20_000);
  let stub: ConnectorStub;
  let transport: BotConnectorTransport;
  let warnings: string[];
  let reference: StoredConversationReference;
  const message = { card: { type: 'AdaptiveCard' as const, version: '1.5', body: [] }, summary: 'Billing changed' };

  beforeEach(async () => {
    stub = await ConnectorStub.start();
    warnings = [];
    transport = new BotConnectorTransport(createAdapter(undefined), { botAppId: '', timeoutMs: 500, warn: (w) => warnings.push(w) });
    reference = { conversationId: 'a:1', serviceUrl: stub.url, channelId: 'msteams', botId: '28:bot', conversationType: 'personal', tenantId: 't', updatedAt: '' };
  });

  afterEach(async () => {
    await stub.stop();
  });

  it('sends the card as an alert to the conversation', async () => {
    const result = await transport.send(reference, message);
    assert.equal(result.ok, true);
    const sent = stub.deliveredActivities()[0];
    assert.equal(sent?.conversationId, 'a:1');
    assert.equal(sent?.body.summary, 'Billing changed');
    assert.deepEqual(sent?.body.channelData, { notification: { alert: true } });
    assert.equal((sent?.body.attachments as { contentType: string }[])[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
  });

  const answers: { name: string; status: number; retryAfter?: string; errorCode?: string; expect: { status: number; retryAfterMs?: number; errorCode?: string } }[] = [
    { name: '429 without Retry-After', status: 429, expect: { status: 429 } },
    { name: '429 with Retry-After', status: 429, retryAfter: '2', expect: { status: 429, retryAfterMs: 2000 } },
    { name: '503 with Retry-After', status: 503, retryAfter: '1', expect: { status: 503, retryAfterMs: 1000 } },
    { name: '500', status: 500, expect: { status: 500 } },
    { name: '403 BotNotInConversationRoster', status: 403, errorCode: 'BotNotInConversationRoster', expect: { status: 403, errorCode: 'BotNotInConversationRoster' } },
  ];
  for (const a of answers) {
    it(`reports a ${a.name} after exactly one request (botbuilder's own retries are off)`, async () => {
      stub.program({ status: a.status, ...(a.retryAfter ? { retryAfter: a.retryAfter } : {}), ...(a.errorCode ? { errorCode: a.errorCode } : {}), times: 10 });
      const result = await transport.send(reference, message);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.failure.status, a.expect.status);
      assert.equal(result.failure.retryAfterMs, a.expect.retryAfterMs);
      if (a.expect.errorCode) assert.equal(result.failure.errorCode, a.expect.errorCode);
      assert.equal(stub.sends.length, 1, 'one attempt, one request');
      assert.deepEqual(warnings, []);
    });
  }

  it('sends each notification to its own service URL through one client per service URL, kept from send to send', async () => {
    const east = await ConnectorStub.start();
    try {
      const adapter = createAdapter(undefined);
      const kept = new BotConnectorTransport(adapter, { botAppId: '', timeoutMs: 500, warn: (w) => warnings.push(w) });
      const toEast = { ...reference, conversationId: 'a:east', serviceUrl: east.url };
      for (const to of [reference, toEast, reference]) assert.equal((await kept.send(to, message)).ok, true);
      assert.deepEqual(stub.deliveredActivities().map((s) => s.conversationId), ['a:1', 'a:1']);
      assert.deepEqual(east.deliveredActivities().map((s) => s.conversationId), ['a:east']);
      assert.equal(await adapter.connectorFor(stub.url, ''), await adapter.connectorFor(stub.url, ''));
      assert.notEqual(await adapter.connectorFor(east.url, ''), await adapter.connectorFor(stub.url, ''));
      // A kept client still has no retries of its own: a throttled send is one request.
      stub.program({ status: 429, retryAfter: '2', times: 10 });
      const throttled = await kept.send(reference, message);
      assert.equal(throttled.ok ? undefined : throttled.failure.retryAfterMs, 2000);
      assert.equal(stub.sends.length, 3);
      assert.deepEqual(warnings, []);
    } finally {
      await east.stop();
    }
  });

  it('turns off the retry policy of the client the installed botbuilder builds', async () => {
    const connector = await createAdapter(undefined).connectorFor(stub.url, '');
    assert.equal(removeBuiltInRetries(connector), true);
  });

  it('gives up on a slow answer after the timeout, as a failure without status', async () => {
    stub.delayMs = 2000;
    const result = await transport.send(reference, message);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? 0 : result.failure.status, undefined);
  });

  it('reports a refused connection as a failure without status', async () => {
    await stub.stop();
    const result = await transport.send(reference, message);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.failure.message, /ECONNREFUSED/);
    stub = await ConnectorStub.start();
  });

  it('starts a 1:1 chat with the Entra object id in the tenant and returns its id', async () => {
    const result = await transport.createPersonalChat({ serviceUrl: stub.url, channelId: 'msteams', botId: '28:bot', tenantId: 't', aadObjectId: 'aad-1' });
    assert.deepEqual(result, { ok: true, value: { conversationId: 'created-aad-1' } });
    const request = stub.sends[0];
    assert.equal(request?.path, '/v3/conversations');
    assert.deepEqual(request?.body.members, [{ id: 'aad-1', name: '' }]);
    assert.equal(request?.body.tenantId, 't');
    assert.deepEqual(request?.body.channelData, { tenant: { id: 't' } });
  });
});
