import assert from 'node:assert/strict';
import type { AzureSignIn } from '../../../src/config';
import { armError, AzureEmulator } from '../../support/azure/azureEmulator';
import type { EmulatedCharge } from '../../support/azure/costEmulation';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, ORG_MOBILE, ORG_WEB, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { cardOf, TeamsHarness } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;

function resourceOf(organizationId: string, name: string): string {
  return `/subscriptions/${SUB_PAYG}/resourcegroups/visualstudioonline-${organizationId.replace(/-/g, '')}/providers/microsoft.visualstudio/account/${name}`;
}

function charge(organizationId: string, name: string, day: string, meter: string, amount: number): EmulatedCharge {
  return { resourceId: resourceOf(organizationId, name), day, meter, amount, currency: 'EUR' };
}

/** With DIRECTORY=azure, `costs` shows what Azure Cost Management charged, and the estimate only where it cannot be read. */
describe('costs on Azure', function () {
  this.timeout(30_000);
  let emulator: AzureEmulator;
  let bot: TeamsHarness;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile(), { pageSize: 3 });
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    // Twenty-four days of the bill: Basic users at 0.20 EUR a day, a hosted job at 1.30 EUR a day.
    for (let day = 1; day <= 24; day += 1) {
      const date = `2026-11-${String(day).padStart(2, '0')}`;
      emulator.bill.push(charge(ORG_WEB, 'contoso-web', date, 'Basic User', 0.2), charge(ORG_WEB, 'contoso-web', date, 'Microsoft-hosted CI/CD', 1.3));
    }
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
    const backend = emulatedBackend(emulator);
    bot = await TeamsHarness.create({
      directories: backend,
      billingLinksFor: async (caller) => backend.billingLinksFor(caller),
      actualChargesFor: async (caller) => backend.actualChargesFor(caller),
      signIn: { settings: SETTINGS, tokenService: tokens },
    });
  });

  afterEach(async () => {
    await bot.close();
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('shows the actual costs by meter, in the billing currency, labelled as actual, with a forecast labelled as one', async () => {
    const card = cardOf(await bot.say('costs'));
    assert.match(card.text, /Actual costs come from Azure Cost Management; where they cannot be read, a list-price estimate stands in, labelled as one\./);
    assert.match(card.text, /contoso-web\nPaid by Contoso Pay-As-You-Go: 36\.00 EUR so far this month, actual, from Azure Cost Management \(charges through 24 November\); 45\.00 EUR forecast for the month \(the actual so far, scaled to the whole month\)\./);
    assert.match(card.text, /Actual by meter so far this month: Microsoft-hosted CI\/CD 31\.20 EUR; Basic User 4\.80 EUR\./);
    assert.match(card.text, /Per paying subscription\nContoso Pay-As-You-Go \(41cc4f36-a157-4ec6-97a4-346cb65c3452\)\n36[\\]*\.00 EUR so far, 45\.00 EUR forecast for the month, actual \(contoso-web\)/, 'a number that starts a fact is escaped, so it is no list');
    const queries = emulator.callsTo('Query_Usage');
    assert.ok(queries.length >= 2, 'every page of the bill is read');
    const filter = (queries[0]?.body as { dataset: { filter: { dimensions: { values: string[] } } } }).dataset.filter.dimensions.values;
    assert.ok(filter.includes(resourceOf(ORG_WEB, 'contoso-web')), `the query is filtered to contoso-web's resource: ${filter.join(', ')}`);
  });

  it('shows the estimate, labelled as one, and who can grant access, when the caller may not read the costs', async () => {
    emulator.inject({ operationId: 'Query_Usage', reply: { status: 403, body: { error: { code: 'RBACAccessDenied', message: 'The client does not have authorization to perform action.' } } } });
    const text = cardOf(await bot.say('costs')).text;
    assert.match(text, /contoso-web\nPaid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, 116 USD forecast for the month, estimated at list prices\./);
    assert.match(text, /You may not read the actual costs of Contoso Pay-As-You-Go, so this is a list-price estimate\. Azure Cost Management refused to let you read this month's costs of contoso-web in subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452 \(RBACAccessDenied\)\./);
    assert.match(text, /an Owner or User Access Administrator of subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452 can give it to you/);
    assert.match(text, /116 USD forecast for the month, estimated at list prices \(contoso-web\)/);
    assert.doesNotMatch(text, /, actual/);
  });

  it('shows a project collection administrator without a role on the paying subscription the estimate, and who can grant access', async () => {
    const others = emulator.world.assignments.filter((a) => !(a.subscriptionId === SUB_PAYG && a.principalId === ALEX));
    emulator.world.assignments.splice(0, emulator.world.assignments.length, ...others);
    const text = cardOf(await bot.say('costs')).text;
    assert.match(text, /contoso-web\nPaid by [^\n]+: [\d.,]+ USD so far this month, 116 USD forecast for the month, estimated at list prices\./);
    assert.match(text, /\(AuthorizationFailed\)\. Reading Azure Cost Management data needs Cost Management Reader \(or Reader\) on the subscription: an Owner or User Access Administrator of subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452 can give it to you in the Azure portal/);
    assert.equal(emulator.callsTo('Query_Usage').length, 1, 'the refusal is not retried');
  });

  it('says plainly that Cost Management is throttling, and shows the estimate, never a stack trace', async () => {
    emulator.inject({ operationId: 'Query_Usage', reply: { ...armError(429, 'TooManyRequests', 'Too many requests.'), headers: { 'retry-after': '90' } } });
    const text = cardOf(await bot.say('costs')).text;
    assert.match(text, /I could not read the actual costs of Contoso Pay-As-You-Go just now, so this is a list-price estimate\. Azure Cost Management is limiting requests right now, so I could not read this month's costs of contoso-web in subscription [\w-]+\. It asked to wait 90 seconds\. Try again in a minute\./);
    assert.match(text, /estimated at list prices\./);
    assert.doesNotMatch(text, /\bat \w+ \(|Error:/);
  });

  it('totals the actual costs of two organizations per paying subscription', async () => {
    emulator.world.billing.set(ORG_MOBILE, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    for (let day = 1; day <= 24; day += 1) emulator.bill.push(charge(ORG_MOBILE, 'contoso-mobile', `2026-11-${String(day).padStart(2, '0')}`, 'Basic User', 0.5));
    const text = cardOf(await bot.say('costs')).text;
    assert.match(text, /contoso-mobile\nPaid by Contoso Pay-As-You-Go: 12\.00 EUR so far this month, actual, from Azure Cost Management \(charges through 24 November\); 15\.00 EUR forecast for the month/);
    assert.match(text, /contoso-web\nPaid by Contoso Pay-As-You-Go: 36\.00 EUR so far this month, actual/);
    assert.match(text, /Contoso Pay-As-You-Go \(41cc4f36-a157-4ec6-97a4-346cb65c3452\)\n48[\\]*\.00 EUR so far, 60\.00 EUR forecast for the month, actual \(contoso-mobile and contoso-web\)/);
    const filters = emulator.callsTo('Query_Usage').filter((q) => q.query.$skiptoken === undefined).map((q) => (q.body as { dataset: { filter: { dimensions: { values: string[] } } } }).dataset.filter.dimensions.values);
    assert.equal(filters.length, 1, 'one query for the subscription that pays for both');
    for (const resource of [resourceOf(ORG_MOBILE, 'contoso-mobile'), resourceOf(ORG_WEB, 'contoso-web')]) assert.ok(filters[0]?.includes(resource), `${resource} is in the filter`);
  });
});
