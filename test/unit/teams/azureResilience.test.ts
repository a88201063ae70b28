import assert from 'node:assert/strict';
import type { AzureSignIn } from '../../../src/config';
import { AzureEmulator, devOpsError } from '../../support/azure/azureEmulator';
import { DirectoryFailure } from '../../../src/directory/directoryFailure';
import { demoWorldFile, emulatedBackend, requester } from '../../support/azure/emulatedBackend';
import { ALEX, CONTOSO_TENANT, MEGAN } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { cardOf, choicesOf, TeamsHarness } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;
const CONDITIONAL_ACCESS = devOpsError(401, 'UnauthorizedRequestException', 'TF400813: The user is not authorized to access this resource: a conditional access policy applies.');

/** One organization that cannot be read must not hide the others, nor sign the user out. */
describe('status on Azure when one organization cannot be read', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;
  let tokens: FakeTokenService;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
    tokens = new FakeTokenService();
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  async function bot(recentReadsLifetimeMs = 0): Promise<TeamsHarness> {
    const backend = emulatedBackend(emulator, { recentReadsLifetimeMs });
    return TeamsHarness.create({ directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller), signIn: { settings: SETTINGS, tokenService: tokens } });
  }

  const faults: { name: string; operationId: string; path: string }[] = [
    { name: 'its administrators (401 behind conditional access)', operationId: 'Groups_List', path: '/contoso-mobile/' },
    { name: 'its billing setup (401 behind conditional access)', operationId: 'BillingSetup_Get', path: '/org-contoso-mobile/' },
  ];

  for (const { name, operationId, path } of faults) {
    it(`says why when ${name} cannot be read, answers for the others, and keeps the user signed in`, async () => {
      emulator.inject({ operationId, pathIncludes: path, reply: CONDITIONAL_ACCESS });
      const card = cardOf(await (await bot()).say('status'));
      assert.match(card.text, /contoso-mobile\nCould not read this organization: Azure DevOps no longer accepts your sign-in/);
      assert.match(card.text, /contoso-web\nBilling is not set up: the organization is on the free tier\. Type "set up billing"/);
      assert.match(card.text, /contoso-data\nBilling is not set up/);
      assert.deepEqual(tokens.signedOut, []);
    });
  }

  it('offers the other organizations in "set up billing" when one organization\'s billing cannot be read, and says why', async () => {
    emulator.inject({ operationId: 'BillingSetup_Get', pathIncludes: '/org-contoso-mobile/', times: 2, reply: CONDITIONAL_ACCESS });
    const picker = cardOf(await (await bot()).say('set up billing'));
    assert.deepEqual(choicesOf(picker, 'organizationId'), ['org-contoso-web']);
    assert.match(picker.text, /contoso-mobile\nCould not read contoso-mobile: Azure DevOps no longer accepts your sign-in/);
    assert.deepEqual(tokens.signedOut, []);
  });

  it('asks for a new sign-in when every organization refuses: then it is the sign-in, not an organization', async () => {
    emulator.inject({ operationId: 'BillingSetup_Get', times: 3, reply: CONDITIONAL_ACCESS });
    await (await bot()).say('status');
    assert.deepEqual(tokens.signedOut, ['devops-connection']);
  });

  it('reuses the organizations read a moment ago for the next command, but reads billing afresh', async () => {
    const harness = await bot(60_000);
    await harness.say('status');
    const first = emulator.requests.length;
    await harness.say('status');
    const second = emulator.requests.slice(first);
    assert.deepEqual([...new Set(second.map((r) => r.operationId))].sort(), ['BillingSetup_Get']);
    assert.equal(second.length, 3, 'one billing read per organization');
  });

  it('does not hand reused answers to a request whose tokens are another person\'s', async () => {
    const backend = emulatedBackend(emulator, { recentReadsLifetimeMs: 60_000 });
    const own = await backend.directoryFor(requester(emulator, ALEX));
    assert.equal((await own.organizationsOf(ALEX)).length, 3);
    const mixedUp = await backend.directoryFor({ userId: ALEX, tenantId: CONTOSO_TENANT, tokens: emulator.tokensFor(MEGAN) });
    await assert.rejects(mixedUp.organizationsOf(ALEX), (error: unknown) => error instanceof DirectoryFailure && error.code === 'wrong-account');
  });

  it('reads the organizations again when one of them failed the last time', async () => {
    emulator.inject({ operationId: 'Groups_List', pathIncludes: '/contoso-mobile/', reply: CONDITIONAL_ACCESS });
    const harness = await bot(60_000);
    assert.match(cardOf(await harness.say('status')).text, /Could not read this organization/);
    assert.doesNotMatch(cardOf(await harness.say('status')).text, /Could not read this organization/);
  });
});
