import assert from 'node:assert/strict';
import { LocalDirectory } from '../../../src/directory/localDirectory';
import { DirectoryChangeError } from '../../../src/domain/ports/directory';
import { storedRoleOverlay } from '../../../src/directory/roleOverlay';
import { createMemoryStore } from '../../../src/store/memoryStore';
import { ADELE, ALEX, CONTOSO_TENANT, DEMO_DIRECTORY, MEGAN, NESTOR, PATTI, SUB_EA, SUB_PAYG } from '../../support/demoWorld';

describe('Roles the local directory grants and takes back', () => {
  it('lays grants and revocations over the file, and keeps them in the state across a reopen', async () => {
    const store = createMemoryStore();
    const directory = await LocalDirectory.open(DEMO_DIRECTORY, { overlay: storedRoleOverlay(store) });
    assert.ok(!(await directory.subscriptionsVisibleTo(ADELE)).some((s) => s.id === SUB_PAYG));

    await directory.grantRole({ subscriptionId: SUB_PAYG, principalId: ADELE, role: 'Contributor' });
    await directory.revokeRole({ subscriptionId: SUB_PAYG, principalId: MEGAN, role: 'Contributor' });
    const roles = (await directory.roleAssignmentsOn(SUB_PAYG)).map((a) => `${a.principalId}:${a.role}`);
    assert.deepEqual(roles.sort(), [`${ALEX}:Owner`, `${ADELE}:Contributor`, `${PATTI}:Contributor`].sort());
    assert.ok((await directory.subscriptionsVisibleTo(ADELE)).some((s) => s.id === SUB_PAYG), 'a granted role makes the subscription visible');
    assert.ok(!(await directory.subscriptionsVisibleTo(MEGAN)).some((s) => s.id === SUB_PAYG), 'a revoked last role hides it');
    assert.ok((await directory.subscriptionsVisibleTo(MEGAN)).some((s) => s.id === SUB_EA), 'other roles stay');

    const reopened = await LocalDirectory.open(DEMO_DIRECTORY, { overlay: storedRoleOverlay(store) });
    assert.equal((await reopened.roleAssignmentsOn(SUB_PAYG)).length, 3);
  });

  it('undoes a revocation with a grant, and is idempotent', async () => {
    const store = createMemoryStore();
    const directory = await LocalDirectory.open(DEMO_DIRECTORY, { overlay: storedRoleOverlay(store) });
    const megan = { subscriptionId: SUB_PAYG, principalId: MEGAN, role: 'Contributor' } as const;
    await directory.revokeRole(megan);
    await directory.grantRole(megan);
    await directory.grantRole(megan);
    assert.equal((await directory.roleAssignmentsOn(SUB_PAYG)).filter((a) => a.principalId === MEGAN).length, 1);
    assert.deepEqual(store.snapshot().directoryOverlay.revoked, []);
  });

  it('refuses a subscription or person the file does not know', async () => {
    const directory = await LocalDirectory.open(DEMO_DIRECTORY);
    await assert.rejects(directory.grantRole({ subscriptionId: 'nowhere', principalId: ADELE, role: 'Owner' }), DirectoryChangeError);
    await assert.rejects(directory.grantRole({ subscriptionId: SUB_PAYG, principalId: 'nobody', role: 'Owner' }), DirectoryChangeError);
  });

  it('lists the people of a tenant by name', async () => {
    const directory = await LocalDirectory.open(DEMO_DIRECTORY);
    const names = (await directory.usersOfTenant(CONTOSO_TENANT)).map((u) => u.displayName);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    assert.ok(names.includes('Alex Wilber'));
    assert.ok(!(await directory.usersOfTenant(CONTOSO_TENANT)).some((u) => u.id === NESTOR));
  });
});
