import assert from 'node:assert/strict';
import { DelegatedTokens } from '../../../../src/domain/credentials';
import { DirectoryFailure } from '../../../../src/directory/directoryFailure';
import { armError, AzureEmulator, DEVOPS_SIGN_IN_PAGE } from '../../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend, requester } from '../../../support/azure/emulatedBackend';
import { ALEX, CONTOSO_TENANT, MEGAN, SUB_EA, SUB_OTHER_TENANT, SUB_PAYG } from '../../../support/demoWorld';

async function failureOf(work: Promise<unknown>): Promise<DirectoryFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DirectoryFailure) return error;
    throw error;
  }
  assert.fail('Expected a DirectoryFailure, but the call succeeded.');
}

/**
 * Real-world faults, each injected by the emulator, and what the user is told. Every request,
 * including the retried ones, must still follow the published specs.
 */
describe('Azure backend under real-world faults', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile(), { pageSize: 1 });
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('follows nextLink through every page of subscriptions and role assignments', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    assert.equal((await directory.subscriptionsVisibleTo(ALEX)).length, 10);
    assert.equal(emulator.callsTo('Subscriptions_List').length, 10, 'one page per subscription');
    assert.equal((await directory.roleAssignmentsOn(SUB_EA)).length, 3);
    const pages = emulator.callsTo('RoleAssignments_ListForSubscription');
    assert.equal(pages.filter((r) => r.query.$filter === 'atScope()').length, 3, 'one page per assignment');
    assert.equal(pages.filter((r) => r.query.$filter === `atScope() and assignedTo('${ALEX}')`).length, 1, 'one page of the user\'s own assignments');
  });

  it('gives up on an answer slower than the timeout and says which service was slow', async () => {
    emulator.inject({ operationId: 'Subscriptions_List', delayMs: 1_600 });
    const directory = await emulatedBackend(emulator, { http: { timeoutMs: 1_000 } }).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.subscriptionsVisibleTo(ALEX));
    assert.equal(failure.code, 'timeout');
    assert.equal(failure.message, 'Azure Resource Manager did not answer within 1 second while I tried to list your Azure subscriptions. Try again in a minute.');
  });

  it('waits as long as Retry-After asks after a 429, then succeeds', async () => {
    emulator.inject({ operationId: 'Subscriptions_Get', reply: armError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '1' }) });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    assert.equal((await directory.getSubscription(SUB_PAYG))?.displayName, 'Contoso Pay-As-You-Go');
    assert.equal(emulator.callsTo('Subscriptions_Get').length, 2);
  });

  it('does not wait for a Retry-After longer than a user can wait, and says when to come back', async () => {
    emulator.inject({ operationId: 'Subscriptions_Get', reply: armError(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '120' }) });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.getSubscription(SUB_PAYG));
    assert.equal(failure.code, 'throttled');
    assert.equal(failure.message, 'Azure Resource Manager is limiting requests right now, so I could not read subscription 41cc4f36-a157-4ec6-97a4-346cb65c3452. It asked to wait 120 seconds. Try again in a minute.');
    assert.equal(emulator.callsTo('Subscriptions_Get').length, 1);
  });

  it('backs off and retries after 5xx answers, then succeeds', async () => {
    emulator.inject({ operationId: 'Subscriptions_List', times: 2, reply: armError(503, 'ServiceUnavailable', 'Try later.') });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    assert.equal((await directory.subscriptionsVisibleTo(ALEX)).length, 10);
    assert.equal(emulator.callsTo('Subscriptions_List').length, 2 + 10);
  });

  it('reports a service that keeps failing after the last retry', async () => {
    emulator.inject({ operationId: 'Profiles_Get', times: 10, reply: { status: 500, body: { message: 'Internal error' } } });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.getUser(ALEX));
    assert.equal(failure.code, 'unavailable');
    assert.equal(failure.message, 'Azure DevOps failed (HTTP 500) 3 times in a row while I tried to read your Azure DevOps profile. Try again in a few minutes.');
    assert.equal(emulator.callsTo('Profiles_Get').length, 3);
  });

  it('explains a token from the wrong tenant (401 InvalidAuthenticationTokenTenant)', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.getSubscription(SUB_OTHER_TENANT));
    assert.equal(failure.code, 'wrong-tenant');
    assert.equal(failure.details.serviceCode, 'InvalidAuthenticationTokenTenant');
    assert.equal(
      failure.message,
      'Azure Resource Manager refused to read subscription 74fe98af-5fec-467f-a9ed-0745af6f6068 because the account you signed in with belongs to another Microsoft Entra tenant than that resource. Pick a subscription of your own tenant, or sign out and sign in with an account of the subscription\'s tenant.',
    );
  });

  it('asks the user to sign in again when Azure Resource Manager no longer accepts the token', async () => {
    const expired = new DelegatedTokens({
      'azure-resource-manager': emulator.tokenFor(ALEX, 'azure-resource-manager', { exp: Math.floor(Date.now() / 1000) - 60 }),
      'azure-devops': emulator.tokenFor(ALEX, 'azure-devops'),
    });
    const directory = await emulatedBackend(emulator).directoryFor({ userId: ALEX, tenantId: CONTOSO_TENANT, tokens: expired });
    const failure = await failureOf(directory.subscriptionsVisibleTo(ALEX));
    assert.equal(failure.code, 'sign-in-required');
    assert.equal(failure.details.signIn, 'azure-resource-manager');
    assert.equal(failure.message, 'Azure Resource Manager no longer accepts your sign-in (it expired or was revoked), so I could not list your Azure subscriptions. Sign in again, and I will continue.');
  });

  it('treats the HTML sign-in page Azure DevOps sends instead of JSON as "sign in again"', async () => {
    emulator.inject({ operationId: 'Profiles_Get', reply: DEVOPS_SIGN_IN_PAGE });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.getUser(ALEX));
    assert.equal(failure.code, 'sign-in-required');
    assert.equal(failure.details.signIn, 'azure-devops');
    assert.match(failure.message, /^Azure DevOps answered with its sign-in page instead of data when I tried to read your Azure DevOps profile: it does not accept your sign-in there\. /);
    assert.match(failure.message, /conditional access policy may ask for more .*Sign in again; if this keeps happening, open the organization in a browser with the same account to see what Azure DevOps asks for\.$/);
    assert.doesNotMatch(failure.message, /third-party|OAuth/, 'the organization\'s policy on third-party OAuth apps governs other apps, not this sign-in');
  });

  it('does not follow a redirect to the Azure DevOps sign-in page', async () => {
    emulator.inject({ operationId: 'Accounts_List', reply: { status: 302, headers: { location: 'https://app.vssps.visualstudio.com/_signin?realm=dev.azure.com' } } });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const failure = await failureOf(directory.organizationsOf(ALEX));
    assert.equal(failure.code, 'sign-in-required');
    assert.equal(failure.details.status, 302);
  });

  it('refuses to act for a Teams user who signed in to Azure as someone else', async () => {
    const directory = await emulatedBackend(emulator).directoryFor({ userId: ALEX, tenantId: CONTOSO_TENANT, tokens: emulator.tokensFor(MEGAN) });
    const failure = await failureOf(directory.getUser(ALEX));
    assert.equal(failure.code, 'wrong-account');
    assert.equal(failure.message, 'You signed in to Azure with another account than the one you use in Teams, so I cannot check your permissions. Type "sign out", then sign in again with your Teams work account.');
    assert.equal(emulator.requests.length, 0, 'Nothing is asked of Azure on the wrong account.');
  });

  it('asks for sign-in before building a directory without tokens', async () => {
    const failure = await failureOf(emulatedBackend(emulator).directoryFor({ userId: ALEX, tenantId: CONTOSO_TENANT }));
    assert.equal(failure.code, 'sign-in-required');
    assert.equal(failure.details.signIn, 'azure-resource-manager');
  });

  it('answers "no roles" when Azure hides a subscription\'s role assignments (403), so billing rules explain the missing role', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, '00000000-0000-0000-0000-0000000000023'));
    assert.deepEqual(await directory.roleAssignmentsOn(SUB_PAYG), []);
    assert.equal(emulator.callsTo('RoleAssignments_ListForSubscription').length, 1);
  });
});
