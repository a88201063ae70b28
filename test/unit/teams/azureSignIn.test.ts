import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Activity, InvokeResponse } from 'botbuilder';
import pino from 'pino';
import type { AzureSignIn } from '../../../src/config';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, ORG_WEB, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { actionsOf, alex, cardOf, choicesOf, TeamsHarness, textOf } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', tokenExchangeUri: undefined };
const TEAMS_ID = `teams-${ALEX}`;
const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';

function oauthConnectionOf(replies: Partial<Activity>[]): string | undefined {
  const card = replies.flatMap((r) => r.attachments ?? []).find((a) => a.contentType === OAUTH_CARD);
  return (card?.content as { connectionName?: string } | undefined)?.connectionName;
}

/**
 * DIRECTORY=azure in Teams: the user signs in to Azure Resource Manager and Azure DevOps through
 * teams-ai's authentication, the command they typed continues afterwards, and Azure is asked with
 * their own tokens (the emulator checks every request against the published specs).
 */
describe('Signing in to Azure from Teams', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;
  let tokens: FakeTokenService;
  let bot: TeamsHarness;
  let logLines: string[];

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
    tokens = new FakeTokenService();
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    bot = await TeamsHarness.create({ directories: emulatedBackend(emulator), signIn: { settings: SETTINGS, tokenService: tokens }, logger: pino({ level: 'trace' }, sink) });
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  function signedIn(): void {
    tokens.signedIn(TEAMS_ID, SETTINGS.resourceManagerConnection, emulator.tokenFor(ALEX, 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, SETTINGS.devOpsConnection, emulator.tokenFor(ALEX, 'azure-devops'));
  }

  async function clickWithMagicCode(verb: string, data: Record<string, unknown>, code: string): Promise<{ replies: Partial<Activity>[]; invoke: InvokeResponse | undefined }> {
    const replies = await bot.send({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, state: code } });
    return { replies, invoke: bot.lastInvokeResponse };
  }

  it('asks for both sign-ins, then continues the typed command with Azure data', async () => {
    // 1. The command starts the first sign-in: a sign-in card for Azure Resource Manager.
    const first = await bot.say('set up billing');
    assert.equal(oauthConnectionOf(first), 'arm-connection');
    assert.equal(emulator.requests.length, 0, 'Nothing is asked of Azure before sign-in.');

    // 2. Alex signs in; Teams sends the magic code. The second sign-in cannot start from that
    //    activity, so a card with a button asks for it.
    const code = tokens.completeSignIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    const afterFirst = await bot.send({ type: 'invoke', name: 'signin/verifyState', value: { state: code } });
    const next = cardOf(afterFirst);
    assert.match(next.text, /Sign in to Azure DevOps/);
    assert.match(next.text, /Then I will continue with "set up billing"/);
    const button = actionsOf(next).get('Sign in and continue');
    assert.deepEqual(button, { verb: 'signin.continue', data: { command: 'set up billing', audience: 'azure-devops' } });

    // 3. The button asks Teams for the Azure DevOps sign-in inside the card (a loginRequest).
    await bot.click('signin.continue', button.data);
    const login = bot.lastInvokeResponse;
    assert.equal(login?.body?.statusCode, 401);
    assert.equal(login?.body?.type, 'application/vnd.microsoft.activity.loginRequest');
    assert.equal((login?.body?.value as { connectionName?: string }).connectionName, 'devops-connection');

    // 4. After that sign-in Teams repeats the click with the magic code: the command runs on Azure data.
    const devOpsCode = tokens.completeSignIn(TEAMS_ID, 'devops-connection', emulator.tokenFor(ALEX, 'azure-devops'));
    const done = await clickWithMagicCode('signin.continue', button.data, devOpsCode);
    assert.match(cardOf(done.invoke as InvokeResponse).text, /"set up billing" continues below/);
    const picker = cardOf(done.replies);
    assert.match(picker.text, /Set up billing[\s\S]*Step 1 of 3/);
    assert.deepEqual(choicesOf(picker, 'organizationId'), ['org-contoso-mobile', ORG_WEB]);
    assert.ok(emulator.callsTo('Accounts_List').length > 0);
  });

  it('runs the whole set-up on Azure data once signed in, with the tokens kept out of state and logs', async () => {
    signedIn();
    const picker = cardOf(await bot.say('set up billing'));
    const flowId = String(actionsOf(picker).get('Next')?.data.flowId);
    const subscriptions = cardOf(await bot.click('flow.organization', { flowId, organizationId: ORG_WEB }));
    assert.ok(choicesOf(subscriptions, 'subscriptionId').includes(SUB_PAYG));
    assert.match(subscriptions.text, /Free Trial/);
    const confirm = cardOf(await bot.click('flow.subscription', { flowId, subscriptionId: SUB_PAYG }));
    assert.match(confirm.text, /Contoso Pay-As-You-Go/);

    const everything = JSON.stringify(bot.store.snapshot()) + logLines.join('');
    assert.ok(tokens.issued.length > 0);
    for (const token of new Set(tokens.issued)) {
      assert.ok(!everything.includes(token), 'A token reached the state or the log.');
      assert.ok(!everything.includes(token.split('.')[1] ?? 'never'), 'Part of a token reached the state or the log.');
    }
  });

  it('signs the user in again when Azure refuses the token mid-flow, and the click continues after sign-in', async () => {
    signedIn();
    const picker = cardOf(await bot.say('set up billing'));
    const flowId = String(actionsOf(picker).get('Next')?.data.flowId);
    emulator.inject({ operationId: 'Subscriptions_List', reply: { status: 401, body: { error: { code: 'ExpiredAuthenticationToken', message: 'The access token expiry UTC time is earlier than current UTC time.' } } } });

    const refused = await bot.click('flow.organization', { flowId, organizationId: ORG_WEB });
    assert.equal(refused.body?.type, 'application/vnd.microsoft.activity.loginRequest');
    assert.equal((refused.body?.value as { connectionName?: string }).connectionName, 'arm-connection');
    assert.deepEqual(tokens.signedOut, ['arm-connection']);

    const code = tokens.completeSignIn(TEAMS_ID, 'arm-connection', emulator.tokenFor(ALEX, 'azure-resource-manager'));
    const retried = await clickWithMagicCode('flow.organization', { flowId, organizationId: ORG_WEB }, code);
    assert.match(cardOf(retried.invoke as InvokeResponse).text, /Step 2 of 3/);
  });

  it('shows what Azure said when it cannot answer, instead of an internal error', async () => {
    signedIn();
    emulator.inject({ operationId: 'Profiles_Get', times: 5, reply: { status: 503, body: { message: 'Service Unavailable' } } });
    const card = cardOf(await bot.say('status'));
    assert.match(card.text, /Azure is not answering/);
    assert.match(card.text, /Azure DevOps failed \(HTTP 503\) 3 times in a row while I tried to read your Azure DevOps profile\. Try again in a few minutes\./);
  });

  it('names the cause and the next step when the sign-in fails with a Microsoft Entra code, and does nothing', async () => {
    assert.equal(oauthConnectionOf(await bot.say('status')), 'arm-connection');
    const replies = await bot.send({ type: 'invoke', name: 'signin/failure', value: { code: 'resourcematchfailed', message: 'AADSTS65001: The user or administrator has not consented to use the application.' } });
    const said = replies.map((r) => r.text ?? '').join('\n');
    assert.match(said, /not been given consent to act for you \(AADSTS65001\)\. Ask a Microsoft Entra administrator to grant consent/);
    assert.equal(emulator.requests.length, 0, 'nothing was asked of Azure');
  });

  it('signs out of both connections on "sign out", and the next command asks to sign in', async () => {
    signedIn();
    assert.match(textOf(await bot.say('sign out')), /Signed out of Azure Resource Manager and Azure DevOps/);
    assert.deepEqual(tokens.signedOut.sort(), ['arm-connection', 'devops-connection']);
    assert.equal(oauthConnectionOf(await bot.say('status')), 'arm-connection');
  });

  it('answers help without asking anyone to sign in', async () => {
    const replies = await bot.say('help');
    assert.equal(oauthConnectionOf(replies), undefined);
    assert.match(cardOf(replies).text, /What I can do/);
  });

  it('refuses to act for a Teams user signed in to Azure as someone else', async () => {
    tokens.signedIn(TEAMS_ID, 'arm-connection', emulator.tokenFor('00000000-0000-0000-0000-0000000000021', 'azure-resource-manager'));
    tokens.signedIn(TEAMS_ID, 'devops-connection', emulator.tokenFor('00000000-0000-0000-0000-0000000000021', 'azure-devops'));
    const card = cardOf(await bot.say('status', alex));
    assert.match(card.text, /Signed in as someone else/);
    assert.match(card.text, /Type "sign out", then sign in again with your Teams work account\./);
  });
});
