import assert from 'node:assert/strict';
import { DirectoryFailure } from '../../../../src/directory/directoryFailure';
import { DirectoryChangeError } from '../../../../src/domain/ports/directory';
import { armError, AzureEmulator } from '../../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend, requester } from '../../../support/azure/emulatedBackend';
import { ADELE, ALEX, MEGAN, SUB_EA, SUB_PAYG } from '../../../support/demoWorld';

const ISAIAH = '00000000-0000-0000-0000-0000000000023';
const PATTI = '00000000-0000-0000-0000-0000000000024';

async function failureOf(work: Promise<unknown>): Promise<DirectoryFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DirectoryFailure) return error;
    throw error;
  }
  assert.fail('Expected a DirectoryFailure, but the call succeeded.');
}

/** Granting and removing a backup billing manager's role with ARM role assignments, as the signed-in user. */
describe('AzureRoleAssignments', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  function rolesOf(subscriptionId: string, principalId: string): string[] {
    return emulator.world.rolesOn(subscriptionId, principalId).sort();
  }

  it('grants Contributor with a role assignment the spec describes, and the directory sees it', async () => {
    const backend = emulatedBackend(emulator);
    assert.equal(await backend.roleAssignmentsFor(requester(emulator, ALEX)).grant(SUB_PAYG, ISAIAH, 'Contributor'), 'granted');
    const [create] = emulator.callsTo('RoleAssignments_Create');
    assert.deepEqual(create?.body, {
      properties: {
        roleDefinitionId: `/subscriptions/${SUB_PAYG}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
        principalId: ISAIAH,
        principalType: 'User',
      },
    });
    assert.deepEqual(rolesOf(SUB_PAYG, ISAIAH), ['Contributor']);
    const directory = await backend.directoryFor(requester(emulator, ALEX));
    assert.ok((await directory.roleAssignmentsOn(SUB_PAYG)).some((a) => a.principalId === ISAIAH && a.role === 'Contributor'));
  });

  it('treats 409 RoleAssignmentExists as success', async () => {
    const result = await emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).grant(SUB_PAYG, MEGAN, 'Contributor');
    assert.equal(result, 'already-held');
    assert.equal(emulator.callsTo('RoleAssignments_Create').length, 1);
  });

  it('retries 400 PrincipalNotFound while a fresh invite replicates, then grants', async () => {
    emulator.inject({ operationId: 'RoleAssignments_Create', times: 2, reply: armError(400, 'PrincipalNotFound', `Principal ${ISAIAH} does not exist in the directory.`) });
    const result = await emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).grant(SUB_PAYG, ISAIAH, 'Owner');
    assert.equal(result, 'granted');
    const names = emulator.callsTo('RoleAssignments_Create').map((r) => r.path.split('/').pop());
    assert.equal(names.length, 3);
    assert.equal(new Set(names).size, 1, 'Every attempt uses the same assignment name, so a late success is never doubled.');
    assert.deepEqual(rolesOf(SUB_PAYG, ISAIAH), ['Owner']);
  });

  it('says to try again later when the principal never appears', async () => {
    emulator.inject({ operationId: 'RoleAssignments_Create', times: 10, reply: armError(400, 'PrincipalNotFound', 'Principal does not exist in the directory.') });
    const failure = await failureOf(emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).grant(SUB_PAYG, ISAIAH, 'Contributor'));
    assert.equal(failure.code, 'principal-not-found');
    assert.equal(
      failure.message,
      `Azure does not know the user ${ISAIAH} in the tenant of subscription ${SUB_PAYG} yet. Someone invited a few minutes ago takes a while to appear; try again in five minutes. If it still fails, check that they belong to the subscription's Microsoft Entra tenant.`,
    );
    assert.equal(emulator.callsTo('RoleAssignments_Create').length, 4, 'one attempt and three retries');
  });

  it('explains a missing role (403 AuthorizationFailed): only Owners and User Access Administrators grant roles', async () => {
    // Alex is only a Contributor on the Enterprise Agreement subscription.
    const failure = await failureOf(emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).grant(SUB_EA, ISAIAH, 'Contributor'));
    assert.equal(failure.code, 'access-denied');
    assert.equal(
      failure.message,
      `Azure Resource Manager refused to let you grant Contributor on subscription ${SUB_EA} (AuthorizationFailed). Only an Owner or a User Access Administrator of the subscription can grant roles; ask one of them to do it, or to give you one of those roles.`,
    );
    assert.deepEqual(rolesOf(SUB_EA, ISAIAH), []);
  });

  it('lets a User Access Administrator grant a role', async () => {
    assert.equal(await emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ADELE)).grant(SUB_EA, PATTI, 'Contributor'), 'granted');
  });

  it('explains an unknown subscription (404)', async () => {
    const unknown = '00000000-0000-0000-0000-00000000dead';
    const failure = await failureOf(emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).grant(unknown, ISAIAH, 'Contributor'));
    assert.equal(failure.code, 'not-found');
    assert.equal(failure.message, `Azure does not know subscription ${unknown}, or does not show it to you. Check that billing still uses it (type "status").`);
  });

  it('removes a role given on the subscription', async () => {
    const roles = emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX));
    assert.equal(await roles.revoke(SUB_PAYG, MEGAN, 'Contributor'), 'revoked');
    assert.deepEqual(rolesOf(SUB_PAYG, MEGAN), []);
    assert.equal(emulator.callsTo('RoleAssignments_Delete').length, 1);
    assert.equal(await roles.revoke(SUB_PAYG, MEGAN, 'Contributor'), 'not-held');
  });

  it('does not try to remove a role inherited from a management group', async () => {
    emulator.world.inheritRole(SUB_PAYG, ISAIAH, 'Contributor');
    const result = await emulatedBackend(emulator).roleAssignmentsFor(requester(emulator, ALEX)).revoke(SUB_PAYG, ISAIAH, 'Contributor');
    assert.equal(result, 'held-above-subscription');
    assert.equal(emulator.callsTo('RoleAssignments_Delete').length, 0);
  });
});

/** The directory port's role changes on Azure, as the billing-manager flows call them. */
describe('AzureDirectory role changes', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('grants through a role assignment, and a role already held counts as granted', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    await directory.grantRole({ subscriptionId: SUB_PAYG, principalId: ISAIAH, role: 'Contributor' });
    await directory.grantRole({ subscriptionId: SUB_PAYG, principalId: MEGAN, role: 'Contributor' });
    assert.deepEqual(emulator.world.rolesOn(SUB_PAYG, ISAIAH), ['Contributor']);
    assert.ok((await directory.roleAssignmentsOn(SUB_PAYG)).some((a) => a.principalId === ISAIAH), 'the same request sees the new role');
  });

  it('revokes a role given on the subscription, and explains one given above it', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    await directory.revokeRole({ subscriptionId: SUB_PAYG, principalId: MEGAN, role: 'Contributor' });
    assert.deepEqual(emulator.world.rolesOn(SUB_PAYG, MEGAN), []);
    emulator.world.inheritRole(SUB_PAYG, ISAIAH, 'Contributor');
    await assert.rejects(
      directory.revokeRole({ subscriptionId: SUB_PAYG, principalId: ISAIAH, role: 'Contributor' }),
      (error: unknown) => error instanceof DirectoryChangeError && /given on a management group above subscription/.test(error.message),
    );
  });

  it('offers only the people it knows in the tenant: the requester and administrators of their organizations', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const me = await directory.getUser(ALEX);
    const people = await directory.usersOfTenant(me?.tenantId ?? '');
    assert.ok(people.some((p) => p.id === ALEX));
    assert.ok(people.every((p) => p.tenantId === me?.tenantId));
    assert.deepEqual(people.map((p) => p.displayName), [...people.map((p) => p.displayName)].sort((a, b) => a.localeCompare(b)));
    assert.deepEqual(await directory.usersOfTenant('another-tenant'), []);
  });
});
