import assert from 'node:assert/strict';
import { TokenCredentials } from 'botframework-connector';
import sinon from 'sinon';
import { emptyState } from '../../../src/store/state';
import { ConnectorStub } from '../../support/connectorStub';
import { HttpBot, request } from '../../support/httpBot';
import { OpenIdIssuer } from '../../support/openIdIssuer';

const APP_ID = '6c9f0a3e-0000-4000-8000-00000000b07a';
const OUTBOUND_TOKEN = 'outbound-token-for-tests';

/**
 * With credentials configured, only requests that the channel signed for this bot get in. The keys
 * come from a loopback OpenID issuer; replies are signed with a fixed token, since the token service
 * cannot be reached from a test (inbound checks are the real ones either way).
 */
describe('Only Teams gets in', function () {
  this.timeout(20_000);
  let issuer: OpenIdIssuer;

  before(async () => {
    issuer = await OpenIdIssuer.start();
  });

  after(async () => {
    await issuer.stop();
  });

  const credentialModes: { name: string; env: () => Record<string, string> }[] = [
    { name: 'an app id and password', env: () => ({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'app-secret' }) },
    {
      name: 'a user-assigned managed identity',
      env: () => ({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000001' }),
    },
  ];

  for (const mode of credentialModes) {
    describe(`with ${mode.name}`, () => {
      let bot: HttpBot;
      let sandbox: sinon.SinonSandbox;

      beforeEach(async () => {
        // botframework-connector prints each rejected token's error and the public keys it tried to
        // the console itself; the bot's own log line for a refusal is the one that counts.
        sandbox = sinon.createSandbox();
        sandbox.stub(console, 'error');
        bot = await HttpBot.start({
          env: { ...mode.env(), BOT_OPENID_METADATA_URL: issuer.metadataUrl },
          botOptions: { outboundCredentials: new TokenCredentials(OUTBOUND_TOKEN) },
        });
      });

      afterEach(async () => {
        sandbox.restore();
        await bot.stop();
      });

      function validToken(): string {
        return issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: bot.connector.url }));
      }

      /** Nothing ran: no reply went out, and the state file is still the empty one written at start. */
      async function assertNoHandlerRan(): Promise<void> {
        assert.deepEqual(bot.connector.sends, []);
        assert.deepEqual(await bot.state(), emptyState());
      }

      const refusals: { name: string; authorization: (bot: HttpBot) => string | undefined }[] = [
        { name: 'no Authorization header', authorization: () => undefined },
        { name: 'an empty bearer token', authorization: () => 'Bearer ' },
        { name: 'a token that is not a JWT', authorization: () => 'Bearer not-a-token' },
        { name: 'Basic credentials', authorization: () => `Basic ${Buffer.from(`${APP_ID}:app-secret`).toString('base64')}` },
        {
          name: 'an unsigned token (alg none)',
          authorization: (b) => `Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), { algorithm: 'none' })}`,
        },
        {
          name: 'a token signed by a key the issuer never published',
          authorization: (b) => `Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), { key: issuer.strangerKey })}`,
        },
        {
          name: "a token signed by another key under the published key's id",
          authorization: (b) =>
            `Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), { key: issuer.strangerKey, kid: issuer.teamsKey.kid })}`,
        },
        {
          name: 'a token for another bot (wrong audience)',
          authorization: (b) => `Bearer ${issuer.sign(issuer.channelClaims({ appId: 'another-bot', serviceUrl: b.connector.url }))}`,
        },
        {
          name: 'a token from another issuer',
          authorization: (b) =>
            `Bearer ${issuer.sign({ ...issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), iss: 'https://issuer.example.test' })}`,
        },
        {
          name: 'a token the Emulator would send',
          authorization: (b) =>
            `Bearer ${issuer.sign({
              ...issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }),
              iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
              appid: APP_ID,
              ver: '1.0',
            })}`,
        },
        {
          name: 'an expired token',
          authorization: (b) => {
            const now = Math.floor(Date.now() / 1000);
            return `Bearer ${issuer.sign({ ...issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), iat: now - 7200, nbf: now - 7200, exp: now - 3600 })}`;
          },
        },
        {
          name: 'a token not valid yet',
          authorization: (b) => {
            const now = Math.floor(Date.now() / 1000);
            return `Bearer ${issuer.sign({ ...issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), nbf: now + 3600, exp: now + 7200 })}`;
          },
        },
        {
          name: 'a token issued for another service URL',
          authorization: () => `Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: 'https://smba.trafficmanager.net/emea/' }))}`,
        },
        {
          name: 'a token signed by a key endorsed for another channel',
          authorization: (b) => `Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }), { key: issuer.webChatKey })}`,
        },
        { name: 'a valid token under a lowercase scheme', authorization: (b) => `bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: b.connector.url }))}` },
      ];

      for (const refusal of refusals) {
        it(`answers 401 to ${refusal.name}, and no handler runs`, async () => {
          const authorization = refusal.authorization(bot);
          const answer = await bot.post(bot.message('set up billing'), authorization === undefined ? {} : { authorization });
          assert.equal(answer.status, 401, answer.text);
          assert.doesNotMatch(answer.text, /eyJ|BEGIN|stack/i, 'the answer leaks neither tokens, keys nor stack traces');
          await assertNoHandlerRan();
        });
      }

      it('answers 401 to a card click without a token, and the click changes nothing', async () => {
        const answer = await bot.post(bot.cardAction('flow.start', { kind: 'setup' }));
        assert.equal(answer.status, 401);
        await assertNoHandlerRan();
      });

      it('answers 403 to a valid token for a channel other than Teams', async () => {
        const token = issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: bot.connector.url }), { key: issuer.webChatKey });
        const answer = await bot.post({ ...bot.message('set up billing'), channelId: 'webchat' }, { authorization: `Bearer ${token}` });
        assert.equal(answer.status, 403, answer.text);
        await assertNoHandlerRan();
      });

      it('accepts a token the channel signed for this bot, and signs its reply', async () => {
        const answer = await bot.post(bot.message('help'), { authorization: `Bearer ${validToken()}` });
        assert.equal(answer.status, 200, answer.text);
        await bot.connector.waitForSends(1);
        const reply = bot.connector.sends[0];
        assert.match(JSON.stringify(reply?.body), /set up billing/);
        assert.equal(reply?.authorization, `Bearer ${OUTBOUND_TOKEN}`);
        const state = await bot.state();
        assert.ok(state.conversations[`personal-${'00000000-0000-0000-0000-0000000000020'}`], 'the conversation reference was stored');
      });

      it('accepts a signed card click and answers it in the HTTP response', async () => {
        const answer = await bot.post(bot.cardAction('flow.start', { kind: 'setup' }), { authorization: `Bearer ${validToken()}` });
        assert.equal(answer.status, 200, answer.text);
        assert.match(answer.text, /Step 1 of 3/);
        assert.equal(Object.keys((await bot.state()).flows).length, 1);
      });

      it('serves /healthz without a token, and the probe starts no work', async () => {
        const before = await bot.stateText();
        const answer = await bot.get('/healthz');
        assert.equal(answer.status, 200);
        assert.equal(await bot.stateText(), before);
        assert.deepEqual(bot.connector.sends, []);
      });

      const otherRequests: { method: string; path: string; status: number }[] = [
        { method: 'GET', path: '/api/messages', status: 405 },
        { method: 'PUT', path: '/api/messages', status: 405 },
        { method: 'POST', path: '/healthz', status: 405 },
        { method: 'POST', path: '/api/notify', status: 404 },
        { method: 'GET', path: '/', status: 404 },
      ];
      for (const other of otherRequests) {
        it(`answers ${other.method} ${other.path} with ${other.status}, and no handler runs`, async () => {
          const answer = await request(`${bot.base}${other.path}`, {
            method: other.method,
            headers: { 'content-type': 'application/json' },
            ...(other.method === 'GET' ? {} : { body: JSON.stringify(bot.message('set up billing')) }),
          });
          assert.equal(answer.status, other.status, answer.text);
          await assertNoHandlerRan();
        });
      }
    });
  }

  it('answers 503 when the signing keys cannot be fetched, and no handler runs', async () => {
    const unreachable = await OpenIdIssuer.start();
    const metadataUrl = unreachable.metadataUrl;
    await unreachable.stop();
    const connector = await ConnectorStub.start();
    const bot = await HttpBot.start({
      connector,
      env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'app-secret', BOT_OPENID_METADATA_URL: metadataUrl },
      botOptions: { outboundCredentials: new TokenCredentials(OUTBOUND_TOKEN) },
    });
    try {
      const token = issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: connector.url }));
      const answer = await bot.post(bot.message('set up billing'), { authorization: `Bearer ${token}` });
      assert.equal(answer.status, 503, answer.text);
      assert.deepEqual(connector.sends, []);
      assert.deepEqual(await bot.state(), emptyState());
    } finally {
      await bot.stop();
      await connector.stop();
    }
  });
});
