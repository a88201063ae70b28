import assert from 'node:assert/strict';
import { request } from 'node:https';
import { AzureEmulator } from '../../../support/azure/azureEmulator';
import { demoWorldFile } from '../../../support/azure/emulatedBackend';
import { ALEX, SUB_PAYG } from '../../../support/demoWorld';

/** The emulator is the test's judge: it must reject what the published specs do not describe. */
describe('The Azure emulator checks requests against the published specs', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  before(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.violations.splice(0);
  });

  function send(method: string, url: string, body?: unknown, token = emulator.tokenFor(ALEX, 'azure-resource-manager')): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method, ca: emulator.certificate, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  const arm = (): string => emulator.endpoints.resourceManager;
  const assignment = (): string => `${arm()}/subscriptions/${SUB_PAYG}/providers/Microsoft.Authorization/roleAssignments/05c5a614-a7d6-4502-b150-c2fb455033ff?api-version=2022-04-01`;

  const rejected: { name: string; method: string; url: () => string; body?: unknown; violation: RegExp }[] = [
    { name: 'an api-version the spec does not describe', method: 'GET', url: () => `${arm()}/subscriptions?api-version=2020-01-01`, violation: /api-version is 2020-01-01, but the spec describes 2022-12-01/ },
    { name: 'a missing api-version', method: 'GET', url: () => `${arm()}/subscriptions`, violation: /The required query parameter api-version is missing/ },
    { name: 'a path no operation has', method: 'GET', url: () => `${emulator.endpoints.devOpsProfile}/_apis/profile/profile/me?api-version=7.1`, violation: /No operation describes GET \/_apis\/profile\/profile\/me/ },
    { name: 'a method the path does not have', method: 'DELETE', url: () => `${emulator.endpoints.devOpsProfile}/_apis/accounts?api-version=7.1`, violation: /No operation describes DELETE/ },
    // The authorization spec's GET /{roleAssignmentId} takes any path: the emulator still refuses what the bot must not call.
    { name: 'an ARM path only the catch-all role assignment id describes', method: 'GET', url: () => `${arm()}/subscriptions/${SUB_PAYG}/resourceGroups?api-version=2022-04-01`, violation: /describes RoleAssignments_GetById, but the emulator does not answer it/ },
    { name: 'a query parameter the operation does not take', method: 'GET', url: () => `${arm()}/tenants?api-version=2022-12-01&top=5`, violation: /The query parameter top is not described/ },
    { name: 'a role assignment without its required principalId', method: 'PUT', url: assignment, body: { properties: { roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c' } }, violation: /body\.properties\.principalId is required/ },
    { name: 'a role assignment without a body', method: 'PUT', url: assignment, violation: /The required body is missing/ },
    { name: 'an Azure DevOps preview API called with its release version', method: 'GET', url: () => `${emulator.endpoints.devOpsGraph}/contoso-web/_apis/graph/groups?api-version=7.1`, violation: /api-version is 7\.1, but the spec describes 7\.1-preview\.1/ },
    { name: 'a billing setup without its tenant', method: 'PUT', url: () => `${emulator.endpoints.devOpsCommerce}/org-contoso-web/_apis/AzComm/BillingSetup?api-version=7.1-preview.1`, body: { subscriptionId: SUB_PAYG }, violation: /body\.subscriptionTenantId is required/ },
  ];

  for (const { name, method, url, body, violation } of rejected) {
    it(`rejects ${name}`, async () => {
      const answer = await send(method, url(), body);
      assert.equal(answer.status, 400);
      assert.equal(emulator.violations.length, 1);
      assert.match(emulator.violations[0] ?? '', violation);
    });
  }

  it('answers a described request with the official example, filled with the world', async () => {
    const answer = await send('GET', `${arm()}/subscriptions/${SUB_PAYG}?api-version=2022-12-01`);
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    assert.equal(body.displayName, 'Contoso Pay-As-You-Go');
    // Fields only the official example provides are kept.
    assert.equal(body.authorizationSource, 'Bypassed');
    assert.deepEqual(emulator.violations, []);
  });

  it('refuses a token issued for another service', async () => {
    const answer = await send('GET', `${arm()}/subscriptions?api-version=2022-12-01`, undefined, emulator.tokenFor(ALEX, 'azure-devops'));
    assert.equal(answer.status, 401);
    assert.deepEqual(emulator.violations, []);
  });
});
