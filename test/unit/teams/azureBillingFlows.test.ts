import assert from 'node:assert/strict';
import type { BillingLinkWrites, AzureSignIn } from '../../../src/config';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, ORG_WEB, SUB_EA, SUB_NO_ROLE, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { actionsOf, cardOf, choicesOf, groupChat, TeamsHarness } from '../../support/teamsHarness';

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
    assert.equal(bot.store.snapshot().audit.length, 0);

    const notYet = cardOf(await bot.click('flow.check', { flowId }));
    assert.match(notYet.text, /Not yet: contoso-web's billing settings still show no subscription\./);

    // The user makes the choice on the page.
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const done = cardOf(await bot.click('flow.check', { flowId }));
    assert.match(done.text, /Billing is set up/);
    assert.match(done.text, /Contoso Pay-As-You-Go now pays for contoso-web/);
    assert.deepEqual(bot.store.snapshot().audit.map((a) => [a.action, a.organizationId, a.toSubscriptionId]), [['billing.setup', ORG_WEB, SUB_PAYG]]);

    const status = cardOf(await bot.say('status'));
    assert.match(status.text, new RegExp(`Contoso Pay-As-You-Go \\(${SUB_PAYG}\\)`));
    assert.match(status.text, /Set up by[\s\S]*Alex Wilber/);

    assert.match(cardOf(await bot.click('flow.check', { flowId })).text, /Already done/);
  });

  it('tells the billing managers when "Check again" completes a change: the event is saved with it and queued', async () => {
    const bot = await signedInBot();
    const { flowId } = await confirmSetUp(bot);
    assert.deepEqual(bot.store.snapshot().outbox, {}, 'nothing to tell before the change is made');
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    assert.match(cardOf(await bot.click('flow.check', { flowId })).text, /Billing is set up/);
    await bot.notificationsIdle();
    const state = bot.store.snapshot();
    assert.deepEqual(state.changeEvents, {}, 'the recorded change was turned into notifications');
    const told = Object.values(state.outbox);
    assert.ok(told.length > 0, 'someone is told');
    assert.ok(told.every((entry) => entry.event.kind === 'billing.setup' && entry.event.organization.id === ORG_WEB));
    assert.deepEqual(state.audit.map((a) => a.id), [told[0]?.event.id], 'the notice and the audit entry describe the same change');
    await bot.close();
  });

  it('tells the billing managers when billing is written at once (AZURE_BILLING_WRITES=api)', async () => {
    const bot = await signedInBot('api');
    assert.match((await confirmSetUp(bot)).answer.text, /Billing is set up/);
    await bot.notificationsIdle();
    assert.deepEqual(bot.store.snapshot().changeEvents, {});
    assert.ok(Object.values(bot.store.snapshot().outbox).some((entry) => entry.event.kind === 'billing.setup'));
    await bot.close();
  });

  it('refuses "add manager" and "remove manager", saying where to pick people instead, and starts nothing', async () => {
    const bot = await signedInBot();
    for (const typed of ['add manager', 'remove manager']) {
      const answer = cardOf(await bot.say(typed));
      assert.match(answer.text, /I cannot add or remove billing managers here yet: I cannot list the people of your Microsoft Entra tenant/);
      assert.match(answer.text, /Access control \(IAM\)/);
      assert.match(answer.text, /ask whoever runs this bot to set AZURE_GRAPH_CONNECTION_NAME so that I can search them/);
    }
    assert.match(cardOf(await bot.click('manager.start', { kind: 'add' })).text, /I cannot add or remove billing managers here yet/);
    assert.deepEqual(bot.store.snapshot().managerFlows, {});
    assert.equal(emulator.callsTo('RoleAssignments_Create').length, 0);
    await bot.close();
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

  it('refuses a change whose "from" moved in Azure DevOps after the confirmation card was shown', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const bot = await signedInBot('api');
    const picker = cardOf(await bot.say('change billing'));
    const flowId = String(actionsOf(picker).get('Next')?.data.flowId);
    await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    const confirm = cardOf(await bot.click('flow.subscription', { flowId, subscriptionId: SUB_EA }));
    assert.match(confirm.text, /Contoso Pay-As-You-Go/);
    // Meanwhile someone moves billing to another subscription on the Billing settings page.
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_NO_ROLE, updatedBy: vsidOf('00000000-0000-0000-0000-0000000000021'), updatedAt: new Date() });
    const refused = cardOf(await bot.click('flow.confirm', { flowId }));
    assert.match(refused.text, /Billing of contoso-web changed while you were deciding, so nothing was done\. Type "status" to see it now\./);
    assert.equal(emulator.callsTo('BillingSetup_Put').length, 0, 'Nothing was written.');
    assert.equal(emulator.world.billing.get(ORG_WEB)?.subscriptionId, SUB_NO_ROLE);
    assert.equal(bot.store.snapshot().audit.length, 0);
  });

  it('refuses "buy", saying where paid quantities are bought instead, and starts nothing', async () => {
    const bot = await signedInBot();
    const before = structuredClone(bot.store.snapshot());
    for (const typed of ['buy', 'quantities']) {
      const answer = cardOf(await bot.say(typed));
      assert.match(answer.text, /I cannot buy paid quantities here: .*Azure DevOps, which offers no way for a bot to make a purchase/);
      assert.match(answer.text, /Billing page of your organization's settings in Azure DevOps/);
    }
    assert.match(cardOf(await bot.click('quantities.start', {})).text, /I cannot buy paid quantities here/);
    assert.deepEqual(bot.store.snapshot().purchases, before.purchases);
    assert.deepEqual(bot.store.snapshot().flows, before.flows);
  });

  it('keeps flows and buy out of group chats before asking anyone to sign in there', async () => {
    const bot = await signedInBot();
    for (const typed of ['set up billing', 'buy']) {
      const replies = await bot.say(typed, undefined, groupChat);
      assert.equal(replies.length, 1);
      assert.match(String(replies[0]?.text), /Billing changes happen in our personal chat/);
    }
    assert.deepEqual(bot.store.snapshot().flows, {});
  });

  it('does not claim paid quantities in status: Azure DevOps keeps them, and the bot does not read them', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const bot = await signedInBot();
    const status = cardOf(await bot.say('status'));
    assert.match(status.text, new RegExp(`Contoso Pay-As-You-Go \\(${SUB_PAYG}\\)`));
    assert.doesNotMatch(status.text, /Paid quantities/);
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
