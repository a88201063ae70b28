import assert from 'node:assert/strict';
import type { InvokeResponse } from 'botbuilder';
import type { AzureSignIn } from '../../../src/config';
import { AzureEmulator } from '../../support/azure/azureEmulator';
import { vsidOf } from '../../support/azure/emulatedWorld';
import { demoWorldFile, emulatedBackend } from '../../support/azure/emulatedBackend';
import { ALEX, CONTOSO_TENANT, LYNNE, MEGAN, NESTOR, ORG_WEB, PATTI, SUB_PAYG } from '../../support/demoWorld';
import { FakeTokenService } from '../../support/fakeTokenService';
import { actionsOf, cardOf, choicesOf, TeamsHarness, textOf, type CardView, type Person } from '../../support/teamsHarness';

const SETTINGS: AzureSignIn = { resourceManagerConnection: 'arm-connection', devOpsConnection: 'devops-connection', graphConnection: 'graph-connection', tokenExchangeUri: undefined };
const SAM = '00000000-0000-0000-0000-0000000000090';
const alex: Person = { aadObjectId: ALEX, name: 'Alex Wilber' };
const megan: Person = { aadObjectId: MEGAN, name: 'Megan Bowen' };

function flowIdOf(card: CardView): string {
  const withFlow = [...actionsOf(card).values()].find((a) => typeof a.data.flowId === 'string');
  if (!withFlow) throw new Error(`No flow on the card: ${card.text}`);
  return String(withFlow.data.flowId);
}

function searchResults(response: InvokeResponse | undefined): { title: string; value: string }[] {
  const body = response?.body as { type?: string; value?: { results?: { title: string; value: string }[] } } | undefined;
  assert.equal(body?.type, 'application/vnd.microsoft.search.searchResponse');
  return body?.value?.results ?? [];
}

/**
 * With DIRECTORY=azure and a Microsoft Graph connection, backup managers are added and removed from
 * chat: the person picker searches the subscription's tenant in Graph as the user types (Teams'
 * `application/search` invoke), and the role is granted or taken away in Azure Resource Manager.
 */
describe('billing managers on Azure, picked through Microsoft Graph', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;
  let tokens: FakeTokenService;
  let bot: TeamsHarness;

  const signIn = (who: Person, graph = true): void => {
    const id = `teams-${who.aadObjectId}`;
    tokens.signedIn(id, 'arm-connection', emulator.tokenFor(who.aadObjectId, 'azure-resource-manager'));
    tokens.signedIn(id, 'devops-connection', emulator.tokenFor(who.aadObjectId, 'azure-devops'));
    if (graph) tokens.signedIn(id, 'graph-connection', emulator.tokenFor(who.aadObjectId, 'microsoft-graph'));
  };

  /** "add manager" (or remove) up to the person step for contoso-web, as `who`. */
  const personStep = async (kind: 'add' | 'remove', who: Person = alex): Promise<{ flowId: string; card: CardView }> => {
    const flowId = flowIdOf(cardOf(await bot.say(`${kind} manager`, who)));
    const card = cardOf(await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }, who));
    return { flowId, card };
  };

  const search = async (flowId: string, queryText: string, who: Person = alex) => {
    const replies = await bot.send({ type: 'invoke', name: 'application/search', value: { queryText, dataset: `people:${flowId}`, queryOptions: { top: 15, skip: 0 } } }, who);
    return { results: searchResults(bot.lastInvokeResponse), replies };
  };

  beforeEach(async () => {
    const world = await demoWorldFile();
    const sam = { id: SAM, displayName: 'Sam Taylor', email: 'sam@fabrikam.com', tenantId: CONTOSO_TENANT, guest: 'invitation-pending' as const };
    emulator = await AzureEmulator.start({ ...world, users: [...world.users, sam] });
    emulator.world.billing.set(ORG_WEB, { subscriptionId: SUB_PAYG, updatedBy: vsidOf(ALEX), updatedAt: new Date() });
    tokens = new FakeTokenService();
    const backend = emulatedBackend(emulator, { peopleSearch: true });
    bot = await TeamsHarness.create({ directories: backend, billingLinksFor: async (caller) => backend.billingLinksFor(caller), signIn: { settings: SETTINGS, tokenService: tokens } });
  });

  afterEach(async () => {
    await bot.close();
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('offers a typeahead that finds members and guests of the tenant, with the guest\'s state, and nobody of another tenant', async () => {
    signIn(alex);
    const { flowId, card } = await personStep('add');
    assert.match(card.text, /Type part of a name or email address to search the people and guests of/);
    assert.match(JSON.stringify(card.json), new RegExp(`"choices\\.data":\\{"type":"Data\\.Query","dataset":"people:${flowId}"\\}`));

    const lynne = await search(flowId, 'lyn');
    assert.deepEqual(lynne.results, [{ title: 'Lynne Robbins (lynner@contoso.com)', value: LYNNE }]);
    const guest = await search(flowId, 'sam');
    assert.deepEqual(guest.results, [{ title: 'Sam Taylor (sam@fabrikam.com), guest, invitation pending', value: SAM }]);
    // Patti already holds Contributor; Nestor belongs to Fabrikam, not to the subscription's tenant.
    assert.deepEqual((await search(flowId, 'patti')).results, []);
    assert.deepEqual((await search(flowId, 'nestor')).results, []);
    const graphCalls = emulator.callsTo('Users_List');
    assert.equal(graphCalls.length, 4);
    assert.equal(graphCalls[0]?.query.$search, '"displayName:lyn" OR "mail:lyn"');
    assert.ok(graphCalls.every((call) => call.userId === ALEX));
  });

  it('still recognises a guest when Graph withholds userType and externalUserState, by the #EXT# in the user principal name', async () => {
    signIn(alex);
    const { flowId } = await personStep('add');
    // What User.ReadBasic.All may return: the basic profile only.
    emulator.inject({
      operationId: 'Users_List',
      reply: { status: 200, body: { value: [{ id: SAM, displayName: 'Sam Taylor', mail: 'sam@fabrikam.com', userPrincipalName: 'sam_fabrikam.com#EXT#@contoso.onmicrosoft.com' }] } },
    });
    assert.deepEqual((await search(flowId, 'sam')).results, [{ title: 'Sam Taylor (sam@fabrikam.com), guest', value: SAM }]);
  });

  it('grants the role picked for someone found by the search, as a role assignment in Azure', async () => {
    signIn(alex);
    const { flowId } = await personStep('add');
    assert.deepEqual((await search(flowId, 'lynne')).results.map((r) => r.value), [LYNNE]);
    const role = cardOf(await bot.click('manager.person', { flowId, principalId: LYNNE }));
    assert.match(role.text, /Which role should Lynne Robbins get on Contoso Pay-As-You-Go\?/);
    cardOf(await bot.click('manager.role', { flowId, role: 'Contributor' }));
    const done = cardOf(await bot.click('manager.confirm', { flowId }));
    assert.match(done.text, /Lynne Robbins/);
    const created = emulator.callsTo('RoleAssignments_Create');
    assert.equal(created.length, 1);
    assert.ok(emulator.world.assignments.some((a) => a.subscriptionId === SUB_PAYG && a.principalId === LYNNE && a.role === 'Contributor'));
  });

  it('refuses someone of another tenant picked by id, and changes nothing', async () => {
    signIn(alex);
    const { flowId } = await personStep('add');
    const refused = await bot.click('manager.person', { flowId, principalId: NESTOR });
    assert.match(cardOf(refused).text, /That person is not in the directory\. Nothing was changed/);
    assert.equal(emulator.callsTo('RoleAssignments_Create').length, 0);
  });

  it('removes a manager the bot knows only from Microsoft Graph, deleting the role assignment', async () => {
    signIn(alex);
    const { flowId, card } = await personStep('remove');
    assert.ok(choicesOf(card, 'principalId').includes(PATTI), card.text);
    assert.match(card.text, /Patti Fernandez \(pattif@contoso\.com\), Contributor/);
    cardOf(await bot.click('manager.person', { flowId, principalId: PATTI }));
    cardOf(await bot.click('manager.confirm', { flowId }));
    assert.equal(emulator.callsTo('RoleAssignments_Delete').length, 1);
    assert.ok(!emulator.world.assignments.some((a) => a.subscriptionId === SUB_PAYG && a.principalId === PATTI));
  });

  it('refuses a caller who may not grant roles on the subscription, before any search', async () => {
    signIn(megan);
    const start = cardOf(await bot.say('add manager', megan));
    assert.match(start.text, /contoso-web/);
    assert.doesNotMatch(JSON.stringify(choicesOf(start, 'organizationId')), /org-contoso-web/);
    const flowId = flowIdOf(start);
    const refused = await bot.click('manager.organization', { flowId, organizationId: ORG_WEB }, megan);
    assert.match(cardOf(refused).text, /To add billing managers you need Owner or User Access Administrator on Contoso Pay-As-You-Go/);
    const { results, replies } = await search(flowId, 'lynne', megan);
    assert.deepEqual(results, []);
    assert.match(textOf(replies), /Some choices are missing\. Type "add manager" to start again\./);
    assert.equal(emulator.callsTo('Users_List').length, 0);
    assert.equal(emulator.callsTo('RoleAssignments_Create').length, 0);
  });

  it('asks for the Microsoft Graph sign-in when a search comes without a Graph token', async () => {
    signIn(alex, false);
    const flowId = flowIdOf(cardOf(await bot.say('add manager')));
    // The person step itself needs Graph: the click is answered with Teams' sign-in.
    const login = await bot.click('manager.organization', { flowId, organizationId: ORG_WEB });
    assert.equal(login.body?.type, 'application/vnd.microsoft.activity.loginRequest');
    // A search sent without the token (the sign-in lapsed since) returns nobody and asks in the chat.
    const { results, replies } = await search(flowId, 'lynne');
    assert.deepEqual(results, []);
    const asked = cardOf(replies);
    assert.match(asked.text, /Sign in to Microsoft Graph/);
    assert.equal(emulator.callsTo('Users_List').length, 0);
    // Its button starts that sign-in inside the card.
    const button = actionsOf(asked).get('Sign in and continue');
    assert.deepEqual(button?.data, { command: '', audience: 'microsoft-graph' });
    const graphLogin = await bot.click(button?.verb ?? '', button?.data ?? {});
    assert.equal(graphLogin.body?.type, 'application/vnd.microsoft.activity.loginRequest');
    assert.match(JSON.stringify(graphLogin.body), /graph-connection/);
  });

  it('signs out of Microsoft Graph as well on "sign out"', async () => {
    signIn(alex);
    assert.match(textOf(await bot.say('sign out')), /Signed out of Azure Resource Manager, Azure DevOps and Microsoft Graph\./);
    assert.deepEqual([...tokens.signedOut].sort(), ['arm-connection', 'devops-connection', 'graph-connection']);
  });
});
