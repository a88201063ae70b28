import assert from 'node:assert/strict';
import { organizationResourceId } from '../../../../src/directory/azure/costQuery';
import { DirectoryFailure } from '../../../../src/directory/directoryFailure';
import { armError, AzureEmulator } from '../../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend, requester } from '../../../support/azure/emulatedBackend';
import { ALEX, ORG_MOBILE, ORG_WEB, SUB_PAYG } from '../../../support/demoWorld';

const WEB = { id: ORG_WEB, name: 'contoso-web' };
const MOBILE = { id: ORG_MOBILE, name: 'contoso-mobile' };
const MOBILE_RESOURCE = `/subscriptions/${SUB_PAYG}/resourceGroups/VisualStudioOnline-orgcontosomobile/providers/Microsoft.VisualStudio/account/contoso-mobile`;
const WEB_RESOURCE = `/subscriptions/${SUB_PAYG}/resourceGroups/VisualStudioOnline-orgcontosoweb/providers/Microsoft.VisualStudio/account/contoso-web`;
const NOW = new Date('2026-11-26T10:00:00Z');

/** Azure Cost Management's Query through the emulator, which checks each request against the 2023-03-01 spec. */
describe('Azure Cost Management: this month\'s actual charges', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile(), { pageSize: 2 });
    const line = (day: string, meter: string, amount: number, resourceId = WEB_RESOURCE.toLowerCase()) => ({ resourceId, day, meter, amount, currency: 'EUR' });
    emulator.bill.push(
      line('2026-11-01', 'Basic User', 0.2),
      line('2026-11-01', 'Microsoft-hosted CI/CD', 1.25),
      line('2026-11-02', 'Basic User', 0.2),
      line('2026-11-24', 'Basic User', 0.2),
      line('2026-11-24', 'Microsoft-hosted CI/CD', 1.25),
      line('2026-10-31', 'Basic User', 99, WEB_RESOURCE.toLowerCase()),
      line('2026-11-02', 'Basic User', 50, MOBILE_RESOURCE.toLowerCase()),
    );
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  function charges(userId = ALEX) {
    return emulatedBackend(emulator).actualChargesFor(requester(emulator, userId));
  }

  it('names the organization\'s resource as Azure DevOps creates it', () => {
    assert.equal(organizationResourceId(SUB_PAYG, WEB), WEB_RESOURCE);
  });

  it('sums this month\'s charges of the organization\'s resource by meter, reading every page', async () => {
    const answer = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.ok(answer.kind === 'actual', answer.kind);
    const web = answer.byOrganization.get(ORG_WEB);
    assert.equal(web?.currency, 'EUR');
    assert.equal(web?.throughDay, 24, 'the bill covers the month up to the 24th');
    assert.deepEqual(web?.meters.map((m) => [m.meter, Math.round(m.amount * 100) / 100]), [['Microsoft-hosted CI/CD', 2.5], ['Basic User', 0.6]]);
    const calls = emulator.callsTo('Query_Usage');
    assert.equal(calls.length, 3, 'five rows, two a page: the nextLink is followed twice');
    assert.deepEqual(calls.map((c) => c.query.$skiptoken), [undefined, '2', '4']);
    for (const call of calls) {
      assert.equal(call.path, `/subscriptions/${SUB_PAYG}/providers/Microsoft.CostManagement/query`);
      assert.equal(call.query['api-version'], '2023-03-01');
      assert.deepEqual(call.body, {
        type: 'ActualCost',
        timeframe: 'Custom',
        timePeriod: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-26T23:59:59.000Z' },
        dataset: {
          granularity: 'Daily',
          aggregation: { totalCost: { name: 'PreTaxCost', function: 'Sum' } },
          grouping: [{ type: 'Dimension', name: 'ResourceId' }, { type: 'Dimension', name: 'Meter' }],
          filter: { dimensions: { name: 'ResourceId', operator: 'In', values: [WEB_RESOURCE, WEB_RESOURCE.toLowerCase()] } },
        },
      });
    }
  });

  it('reads the organizations one subscription pays for in one query, each by its own resource', async () => {
    const answer = await (await charges()).monthToDate({ organizations: [WEB, MOBILE], subscriptionId: SUB_PAYG, now: NOW });
    assert.ok(answer.kind === 'actual', answer.kind);
    assert.deepEqual(answer.byOrganization.get(ORG_MOBILE), { currency: 'EUR', meters: [{ meter: 'Basic User', amount: 50 }], throughDay: 2 });
    assert.equal(answer.byOrganization.get(ORG_WEB)?.meters.length, 2);
    const filters = new Set(emulator.callsTo('Query_Usage').map((c) => JSON.stringify((c.body as { dataset: { filter: unknown } }).dataset.filter)));
    assert.deepEqual([...filters], [JSON.stringify({ dimensions: { name: 'ResourceId', operator: 'In', values: [WEB_RESOURCE, WEB_RESOURCE.toLowerCase(), MOBILE_RESOURCE, MOBILE_RESOURCE.toLowerCase()] } })]);
  });

  it('answers no charges yet when the bill has none for the month', async () => {
    emulator.bill.length = 0;
    const answer = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.ok(answer.kind === 'actual', answer.kind);
    assert.deepEqual([...answer.byOrganization], [[ORG_WEB, { currency: '', meters: [], throughDay: 0 }]]);
  });

  it('answers that the caller may not read the costs, and who can let them, when Azure refuses', async () => {
    emulator.world.assignments.splice(0, emulator.world.assignments.length, ...emulator.world.assignments.filter((a) => !(a.subscriptionId === SUB_PAYG && a.principalId === ALEX)));
    const refused = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.ok(refused.kind === 'no-access', refused.kind);
    assert.match(refused.message, /Azure Cost Management refused to let you read this month's costs of contoso-web in subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452 \(AuthorizationFailed\)/);
    assert.match(refused.message, /needs Cost Management Reader \(or Reader\) on the subscription: an Owner or User Access Administrator of subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452 can give it to you/);

    emulator.inject({ operationId: 'Query_Usage', reply: { status: 403, body: { error: { code: 'RBACAccessDenied', message: 'The client does not have authorization to perform action.' } } } });
    const denied = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.equal(denied.kind, 'no-access');
  });

  it('says so plainly when Cost Management throttles for longer than a chat can wait, or keeps failing', async () => {
    emulator.inject({ operationId: 'Query_Usage', reply: { ...armError(429, 'TooManyRequests', 'Too many requests.'), headers: { 'x-ms-ratelimit-microsoft.costmanagement-entity-retry-after': '60' } } });
    const throttled = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.deepEqual(throttled, { kind: 'unavailable', message: "Azure Cost Management is limiting requests right now, so I could not read this month's costs of contoso-web in subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452. It asked to wait 60 seconds. Try again in a minute." });
    assert.equal(emulator.callsTo('Query_Usage').length, 1, 'a wait longer than a chat can wait is not waited for');

    emulator.inject({ operationId: 'Query_Usage', times: 3, reply: armError(503, 'ServiceUnavailable', 'Service unavailable.') });
    const failing = await (await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW });
    assert.ok(failing.kind === 'unavailable', failing.kind);
    assert.match(failing.message, /^Azure Cost Management failed \(HTTP 503\) 3 times in a row while I tried to read this month's costs of contoso-web/);
  });

  it('asks for a new sign-in when Azure no longer accepts the token', async () => {
    emulator.inject({ operationId: 'Query_Usage', reply: armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.') });
    await assert.rejects((await charges()).monthToDate({ organizations: [WEB], subscriptionId: SUB_PAYG, now: NOW }), (error: unknown) => error instanceof DirectoryFailure && error.code === 'sign-in-required');
  });
});
