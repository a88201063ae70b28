import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotProcess } from '../../support/botProcess';
import { ConnectorStub } from '../../support/connectorStub';
import { request, teamsActivity } from '../../support/httpBot';
import { OpenIdIssuer } from '../../support/openIdIssuer';

const CLIENT_ID = '3f1c7a52-8d0e-4b8a-9c61-5e2f0d4a7b19';
const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
const IDENTITY_HEADER = 'identity-header-for-tests';
const IDENTITY_TOKEN = 'token-from-the-managed-identity';

interface IdentityRequest {
  readonly url: URL;
  readonly header: string | undefined;
}

/**
 * App Service's managed identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER), as it answers a
 * process on the web app: a token for the requested resource and client id, no secret involved.
 */
async function startIdentityEndpoint(asked: IdentityRequest[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers['x-identity-header'];
    asked.push({ url, header: typeof header === 'string' ? header : undefined });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: IDENTITY_TOKEN,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
        client_id: CLIENT_ID,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The bot as it runs on App Service with a user-assigned managed identity: MicrosoftAppType
 * UserAssignedMSI, the identity's client id as MicrosoftAppId, no password. Its replies are signed
 * with a token botbuilder gets from the host's identity endpoint for that client id.
 */
describe('A bot with a user-assigned managed identity', function () {
  this.timeout(30_000);
  let issuer: OpenIdIssuer;
  let connector: ConnectorStub;
  let identity: { url: string; stop: () => Promise<void> };
  let asked: IdentityRequest[];
  let folder: string;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    issuer = await OpenIdIssuer.start();
    connector = await ConnectorStub.start();
    asked = [];
    identity = await startIdentityEndpoint(asked);
    folder = await mkdtemp(path.join(os.tmpdir(), 'billing-bot-msi-'));
    bot = await BotProcess.start({
      stateFile: path.join(folder, 'state.json'),
      cwd: folder,
      env: {
        MicrosoftAppId: CLIENT_ID,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: TENANT_ID,
        BOT_OPENID_METADATA_URL: issuer.metadataUrl,
        IDENTITY_ENDPOINT: identity.url,
        IDENTITY_HEADER,
      },
    });
  });

  afterEach(async () => {
    await bot?.kill();
    await identity.stop();
    await connector.stop();
    await issuer.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('accepts a request the channel signed for the identity and replies with a token of that identity', async () => {
    const token = issuer.sign(issuer.channelClaims({ appId: CLIENT_ID, serviceUrl: connector.url }));
    const answer = await request(`${bot?.base ?? ''}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(teamsActivity(connector.url, { type: 'message', text: 'help' })),
    });
    assert.equal(answer.status, 200, answer.text);
    await connector.waitForSends(1);

    const reply = connector.sends[0];
    assert.match(JSON.stringify(reply?.body), /What I can do/);
    assert.equal(reply?.authorization, `Bearer ${IDENTITY_TOKEN}`);
    assert.ok(asked.length >= 1, 'the bot asked the identity endpoint for a token');
    for (const question of asked) {
      assert.equal(question.header, IDENTITY_HEADER);
      assert.equal(question.url.searchParams.get('client_id'), CLIENT_ID);
      assert.match(question.url.searchParams.get('resource') ?? '', /^https:\/\/api\.botframework\.com/);
    }
  });

  it('refuses a request signed for another bot', async () => {
    const token = issuer.sign(issuer.channelClaims({ appId: 'another-bot', serviceUrl: connector.url }));
    const answer = await request(`${bot?.base ?? ''}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(teamsActivity(connector.url, { type: 'message', text: 'help' })),
    });
    assert.equal(answer.status, 401);
    assert.deepEqual(connector.sends, []);
    assert.deepEqual(asked, []);
  });
});
