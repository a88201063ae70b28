import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import sinon from 'sinon';
import { createAdapter } from '../../../src/host/adapter';
import { silentLogger } from '../../../src/logger';
import { guardRoutes } from '../../../src/host/requestGate';
import { request, teamsActivity } from '../../support/httpBot';
import { OpenIdIssuer } from '../../support/openIdIssuer';

const APP_ID = '6c9f0a3e-0000-4000-8000-00000000b07a';
const SERVICE_URL = 'https://smba.example.test/teams/';

/**
 * The gate covers routes that do not exist yet: one added next to the bot's own, here on a bare
 * server with the real adapter, cannot be reached without a token the channel signed for this bot.
 */
describe('Routes are authenticated unless listed as public', function () {
  this.timeout(20_000);
  let issuer: OpenIdIssuer;
  let server: restify.Server;
  let base: string;
  let ran: string[];
  let sandbox: sinon.SinonSandbox;

  before(async () => {
    issuer = await OpenIdIssuer.start();
  });

  after(async () => {
    await issuer.stop();
  });

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    sandbox.stub(console, 'error'); // botframework-connector's own diagnostics for rejected tokens
    const adapter = createAdapter({ appId: APP_ID, appPassword: 'secret', appType: 'MultiTenant', tenantId: '', openIdMetadataUrl: issuer.metadataUrl });
    server = restify.createServer({ handleUncaughtExceptions: false });
    server.use(restify.plugins.bodyParser({ mapParams: false }));
    guardRoutes(server, adapter, silentLogger());
    ran = [];
    server.post('/api/added-later', async (_req, res) => {
      ran.push('POST /api/added-later');
      res.send(200, { done: true });
    });
    server.get('/healthz', async (_req, res) => {
      ran.push('GET /healthz');
      res.send(200, { status: 'ok' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    sandbox.restore();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function post(authorization?: string): ReturnType<typeof request> {
    return request(`${base}/api/added-later`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(teamsActivity(SERVICE_URL, { type: 'message', text: 'help' })),
    });
  }

  it('refuses a request without a token before the handler runs', async () => {
    const answer = await post();
    assert.equal(answer.status, 401);
    assert.deepEqual(ran, []);
  });

  it('refuses a token signed by an unknown key before the handler runs', async () => {
    const answer = await post(`Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: SERVICE_URL }), { key: issuer.strangerKey })}`);
    assert.equal(answer.status, 401);
    assert.deepEqual(ran, []);
  });

  it('lets a request with a token the channel signed for this bot through', async () => {
    const answer = await post(`Bearer ${issuer.sign(issuer.channelClaims({ appId: APP_ID, serviceUrl: SERVICE_URL }))}`);
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(ran, ['POST /api/added-later']);
  });

  it('lets anybody reach a public route', async () => {
    const answer = await request(`${base}/healthz`, {});
    assert.equal(answer.status, 200);
    assert.deepEqual(ran, ['GET /healthz']);
  });
});
