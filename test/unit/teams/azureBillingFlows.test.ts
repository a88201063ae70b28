import assert from 'node:assert/strict';
import type { BillingLinkWrites, AzureSignIn } from '../../../src/config';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, ORG_WEB, SUB_EA, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { actionsOf, cardOf, choicesOf, TeamsHarness } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;

/**
 * Billing flows with DIRECTORY=azure: the truth about the billing link is the organization's
 * billing setup in Azure DevOps. By default the bot never writes it: the user makes the choice on
 * the Billing settings page and "Check again" completes the flow.
 */
describe('Billing flows on Azure', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  async function signedInBot(billingWrites: BillingLinkWrites = 'deep-link'): Promise<TeamsHarness> {
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
    const backend = emulatedBackend(emulator, { billingWrites });
    return TeamsHarness.create({ directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller), signIn: { settings: SETTINGS, tokenService: tokens } });
  }

  async function confirmSetUp(bot: TeamsHarness): Promise<{ flowId: string; answer: ReturnType<typeof cardOf> }> {
    const picker = cardOf(await bot.say('set up billing'));
    const flowId = String(actionsOf(picker).get('Next')?.data.flowId);
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG });
    return { flowId, answer: cardOf(await bot.click('flow.confirm', { flowId })) };
  }

  it('sets up billing through the Billing settings page and completes on "Check again"', async () => {
    const bot = await signedInBot();
    const { flowId, answer } = await confirmSetUp(bot);
    assert.match(answer.text, /One step in Azure DevOps/);
    assert.match(answer.text, new RegExp(`select the subscription "Contoso Pay-As-You-Go" \\(${SUB_PAYG}\\) and save`));
    const open = (answer.json.actions as { type: string; url?: string }[]).find((a) => a.type === 'Action.OpenUrl');
    assert.equal(open?.url, 'https://dev.azure.com/contoso-web/_settings/billing');
    assert.equal(emulator.callsTo('BillingSetup_Put').length, 0, 'The bot does not write billing by default.');
    assert.equal(bot.store.read().audit.length, 0);

    const notYet = cardOf(await bot.click('flow.check', { flowId }));
    assert.match(notYet.text, /Not yet: contoso-web's billing settings still show no subscription\./);

    // The user makes the choice on the page.
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const done = cardOf(await bot.click('flow.check', { flowId }));
    assert.match(done.text, /Billing is set up/);
    assert.match(done.text, /Contoso Pay-As-You-Go now pays for contoso-web/);
    assert.deepEqual(bot.store.read().audit.map((a) => [a.action, a.organizationId, a.toSubscriptionId]), [['billing.setup', ORG_WEB, SUB_PAYG]]);

    const status = cardOf(await bot.say('status'));
    assert.match(status.text, new RegExp(`Contoso Pay-As-You-Go \\(${SUB_PAYG}\\)`));
    assert.match(status.text, /Set up by[\s\S]*Alex Wilber/);

    assert.match(cardOf(await bot.click('flow.check', { flowId })).text, /Already done/);
  });

  it('reads the link from Azure DevOps: billing set up elsewhere shows in status and blocks a second set-up', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_EA, updatedBy: vsidOf('00000000-0000-0000-0000-0000000000021'), updatedAt: new Date() });
    const bot = await signedInBot();
    const status = cardOf(await bot.say('status'));
    assert.match(status.text, new RegExp(`Contoso Enterprise Agreement \\(${SUB_EA}\\)`));
    assert.doesNotMatch(status.text, /Set up by/, 'Azure DevOps does not say who in a way the bot can name.');
    const picker = cardOf(await bot.say('set up billing'));
    assert.ok(!choicesOf(picker, 'organizationId').includes(ORG_WEB));
    assert.match(picker.text, /Billing for contoso-web is already set up/);
  });

  it('with AZURE_BILLING_WRITES=api writes the link, reads it back and completes at once', async () => {
    const bot = await signedInBot('api');
    const { answer } = await confirmSetUp(bot);
    assert.match(answer.text, /Billing is set up/);
    assert.equal(emulator.callsTo('BillingSetup_Put').length, 1);
    assert.equal(emulator.world.billing.get(ORG_WEB)?.subscriptionId, SUB_PAYG);
    assert.ok(emulator.callsTo('BillingSetup_Get').length >= 2, 'read before, and read back after the write');
  });

  it('removes billing through the Billing settings page', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const bot = await signedInBot();
    const picker = cardOf(await bot.say('remove billing'));
    const flowId = String(actionsOf(picker).get('Next')?.data.flowId);
    const confirm = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.match(confirm.text, /Contoso Pay-As-You-Go/);
    const step = cardOf(await bot.click('flow.confirm', { flowId, acknowledged: true }));
    assert.match(step.text, /choose "Remove billing" and confirm/);
    emulator.world.billing.delete(ORG_WEB);
    const done = cardOf(await bot.click('flow.check', { flowId }));
    assert.match(done.text, /Billing removed/);
  });
});
