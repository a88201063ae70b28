import assert from 'node:assert/strict';
import type { AzureSignIn } from '../../../src/config';
import { AzureEmulator, devOpsError } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, MEGAN, ORG_WEB, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { cardOf, TeamsHarness } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;

/** With DIRECTORY=azure, `managers` reads the billing link where `status` does: in Azure DevOps. */
describe('managers on Azure', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;
  let bot: TeamsHarness;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
    const tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
    const backend = emulatedBackend(emulator);
    bot = await TeamsHarness.create({ directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller), signIn: { settings: SETTINGS, tokenService: tokens } });
  });

  afterEach(async () => {
    await bot.close();
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('lists the managers of billing set up outside the bot, as status shows it', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(MEGAN), updatedAt: new Date() });
    const status = cardOf(await bot.say('status'));
    assert.match(status.text, new RegExp(`contoso-web\\nBilling is set up\\.[\\s\\S]*Contoso Pay-As-You-Go \\(${SUB_PAYG}\\)`));
    const managers = cardOf(await bot.say('managers'));
    assert.match(managers.text, new RegExp(`contoso-web\\nPaid by Contoso Pay-As-You-Go \\(${SUB_PAYG}\\)\\.`));
    assert.match(managers.text, /Alex Wilber \(Owner\)/);
    assert.match(managers.text, /Megan Bowen \(Contributor\)/);
  });

  it('says billing is not set up when Azure DevOps shows none, whatever the bot recorded before', async () => {
    await bot.store.transaction(async (tx) => {
      await tx.links.put({ organizationId: ORG_WEB, subscriptionId: SUB_PAYG, linkedBy: ALEX, linkedAt: '2026-11-01T10:00:00.000Z' });
    });
    const managers = cardOf(await bot.say('managers'));
    assert.match(managers.text, /contoso-web\nBilling is not set up, so it has no billing managers\./);
  });

  it('says why when one organization\'s billing cannot be read, and lists the others', async () => {
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    emulator.inject({ operationId: 'BillingSetup_Get', pathIncludes: '/org-contoso-mobile/', reply: devOpsError(403, 'AccessCheckException', 'Access denied.') });
    const managers = cardOf(await bot.say('managers'));
    assert.match(managers.text, /contoso-mobile\nCould not read this organization: Azure DevOps refused/);
    assert.match(managers.text, /contoso-web\nPaid by Contoso Pay-As-You-Go/);
  });
});
