import assert from 'node:assert/strict';
import type { AzureSignIn } from '../../../src/config';
import { AzureEmulator, devOpsError } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, ISAIAH, MEGAN, ORG_MOBILE, ORG_WEB, PATTI, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { actionsOf, cardOf, choicesOf, TeamsHarness, type CardView } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;
const LEE = '00000000-0000-0000-0000-0000000000029';
const PRADEEP = '00000000-0000-0000-0000-0000000000031';

function flowIdOf(card: CardView): string {
  const withFlow = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  assert.ok(withFlow, `no flow button on card:\n${card.text}`);
  return String(withFlow.data.flowId);
}

function accessLevelOf(emulator: AzureEmulator, userId: string): string | undefined {
  return emulator.world.entitlementsOf(ORG_WEB).find((e) => e.userId === userId)?.accessLevel;
}

/** With DIRECTORY=azure, `users` reads Azure DevOps' user entitlements and Make Stakeholder writes them there. */
describe('users on Azure', function () {
  this.timeout(30_000);
  let emulator: AzureEmulator;
  let bot: TeamsHarness;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile(), { pageSize: 4 });
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
    const backend = emulatedBackend(emulator);
    bot = await TeamsHarness.create({ directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller), signIn: { settings: SETTINGS, tokenService: tokens } });
    // Billing set up through the bot: Azure DevOps holds the link, and the bot recorded it.
    await bot.store.transaction(async (tx) => {
      await tx.links.put({ organizationId: ORG_WEB, subscriptionId: SUB_PAYG, linkedBy: ALEX, linkedAt: '2026-11-01T10:00:00.000Z' });
    });
  });

  afterEach(async () => {
    await bot.close();
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  async function usersOfWeb(): Promise<{ flowId: string; card: CardView }> {
    const flowId = flowIdOf(cardOf(await bot.say('users')));
    return { flowId, card: cardOf(await bot.click('users.organization', { flowId, organizationId: ORG_WEB })) };
  }

  it('shows the users Azure DevOps bills, by name, with the inactive paid users to pick', async () => {
    const { card } = await usersOfWeb();
    assert.match(card.text, /Users of contoso-web/);
    assert.match(card.text, /Basic\n8 \(5 of 5 free; 2 paid\)/);
    assert.match(card.text, /Basic \+ Test Plans\n2/);
    assert.match(card.text, /Visual Studio subscribers\n1 \(free: their subscription pays\)/);
    assert.deepEqual(choicesOf(card, 'selected'), [PRADEEP, LEE, ISAIAH]);
    assert.match(card.text, /Pradeep Gupta: Basic \+ Test Plans, last signed in 2026-09-15; saves 52 USD a month/);
    assert.match(card.text, /Grady Archie\nBasic, last signed in 2026-07-20\. A group rule gives this access level/);
    assert.ok(emulator.callsTo('User Entitlements_Search User Entitlements').length >= 3, 'every page of entitlements is read');
  });

  it('makes the ticked users Stakeholders in Azure DevOps after the confirmation, and tells the billing managers', async () => {
    const { flowId } = await usersOfWeb();
    const confirm = cardOf(await bot.click('users.review', { flowId, selected: `${ISAIAH},${PRADEEP}` }));
    assert.match(confirm.text, /Make these 2 users Stakeholders\?/);
    assert.equal(emulator.callsTo('User Entitlements_Update User Entitlement').length, 0, 'nothing changes before the confirmation');

    const result = cardOf(await bot.click('users.confirm', { flowId }));
    assert.match(result.text, /Made 2 Stakeholders/);
    assert.match(result.text, /Notifying in Teams: Megan Bowen and Patti Fernandez/);
    assert.equal(accessLevelOf(emulator, ISAIAH), 'stakeholder');
    assert.equal(accessLevelOf(emulator, PRADEEP), 'stakeholder');
    assert.deepEqual(emulator.callsTo('User Entitlements_Update User Entitlement').map((r) => r.path).sort(), [
      `/contoso-web/_apis/userentitlements/${vsidOf(ISAIAH)}`,
      `/contoso-web/_apis/userentitlements/${vsidOf(PRADEEP)}`,
    ].sort());
    await bot.notificationsIdle();
    for (const manager of [MEGAN, PATTI]) {
      const told = bot.transport.delivered.filter((c) => (c.target === `chat-${manager}` || bot.store.snapshot().conversations[c.target]?.aadObjectId === manager) && JSON.stringify(c.message?.card).includes('made Stakeholder'));
      assert.equal(told.length, 1, `one message to ${manager}`);
    }

    const again = (await usersOfWeb()).card;
    assert.deepEqual(choicesOf(again, 'selected'), [LEE], 'read back from Azure DevOps');
  });

  it('changes nothing and says so when Azure DevOps refuses the change', async () => {
    const { flowId } = await usersOfWeb();
    await bot.click('users.review', { flowId, selected: ISAIAH });
    emulator.inject({ operationId: 'User Entitlements_Update User Entitlement', reply: devOpsError(403, 'AccessCheckException', 'Access denied.') });
    const refused = cardOf(await bot.click('users.confirm', { flowId })).text;
    assert.match(refused, /Azure DevOps refused to let you change an access level in contoso-web[\s\S]*Nothing was changed\./);
    assert.equal(accessLevelOf(emulator, ISAIAH), 'basic');
    await bot.notificationsIdle();
    assert.equal(bot.transport.delivered.filter((c) => JSON.stringify(c.message?.card).includes('made Stakeholder')).length, 0);
  });

  it('refuses a confirmation for a user whom someone made Stakeholder meanwhile, and changes nothing', async () => {
    const { flowId } = await usersOfWeb();
    await bot.click('users.review', { flowId, selected: `${ISAIAH},${PRADEEP}` });
    const isaiah = emulator.world.entitlementsOf(ORG_WEB).findIndex((e) => e.userId === ISAIAH);
    const entitlements = emulator.world.entitlementsOf(ORG_WEB);
    entitlements[isaiah] = { ...(entitlements[isaiah] ?? assert.fail('Isaiah has no entitlement')), accessLevel: 'stakeholder' };
    const refused = cardOf(await bot.click('users.confirm', { flowId })).text;
    assert.match(refused, /Isaiah Langer is no longer a paid user of contoso-web/);
    assert.equal(accessLevelOf(emulator, PRADEEP), 'basicTestPlans');
    assert.equal(emulator.callsTo('User Entitlements_Update User Entitlement').length, 0);
  });

  it('costs the users Azure DevOps bills, and an organization whose users cannot be read as not known, without failing the others', async () => {
    emulator.world.billing.set(ORG_MOBILE, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    await bot.store.transaction(async (tx) => {
      await tx.links.put({ organizationId: ORG_MOBILE, subscriptionId: SUB_PAYG, linkedBy: ALEX, linkedAt: '2026-11-01T10:00:00.000Z' });
    });
    emulator.inject({ operationId: 'User Entitlements_Search User Entitlements', pathIncludes: '/contoso-mobile/', reply: devOpsError(403, 'AccessCheckException', 'Access denied.'), times: 10 });
    const costs = cardOf(await bot.say('costs'));
    assert.match(costs.text, /contoso-mobile[\s\S]*I do not know what it uses, so I cannot estimate its costs/);
    assert.match(costs.text, /contoso-web[\s\S]*Paid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, 116 USD forecast for the month/);
  });

  // Billing set up or removed in Azure DevOps (the organization settings, or another tool): the bot's store does not know.
  it('reads who pays from Azure DevOps for users and costs, as status does, not from what the bot recorded', async () => {
    await bot.store.transaction(async (tx) => tx.links.delete(ORG_WEB));
    emulator.world.billing.set(ORG_MOBILE, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    emulator.inject({ operationId: 'User Entitlements_Search User Entitlements', pathIncludes: '/contoso-mobile/', reply: devOpsError(403, 'AccessCheckException', 'Access denied.'), times: 10 });

    const { card } = await usersOfWeb();
    assert.match(card.text, /Here is who contoso-web pays for, through Contoso Pay-As-You-Go\./);
    const costs = cardOf(await bot.say('costs')).text;
    assert.match(costs, /contoso-web[\s\S]*Paid by Contoso Pay-As-You-Go: [\d.,]+ USD so far this month, 116 USD forecast for the month/);
    assert.match(costs, /contoso-mobile[\s\S]*Paid by Contoso Pay-As-You-Go/);

    emulator.world.billing.delete(ORG_WEB);
    await bot.store.transaction(async (tx) => {
      await tx.links.put({ organizationId: ORG_WEB, subscriptionId: SUB_PAYG, linkedBy: ALEX, linkedAt: '2026-11-01T10:00:00.000Z' });
    });
    const removed = (await usersOfWeb()).card.text;
    assert.match(removed, /Here is who contoso-web pays for\./, 'billing removed in Azure DevOps is not shown as set up');
    assert.doesNotMatch(cardOf(await bot.say('costs')).text, /contoso-web[^\n]*\n[^\n]*Paid by/);
  });
});
