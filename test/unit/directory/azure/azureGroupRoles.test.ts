import assert from 'node:assert/strict';
import { DirectoryChangeError } from '../../../../src/domain/ports/directory';
import { MAX_GROUP_DEPTH } from '../../../../src/directory/azure/azureDevOps';
import type { RoleName } from '../../../../src/domain/directory';
import { AzureEmulator } from '../../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend, requester } from '../../../support/azure/emulatedBackend';
import { guidFrom } from '../../../support/azure/emulatedWorld';
import { ISAIAH, LYNNE, ORG_WEB, SUB_PAYG } from '../../../support/demoWorld';

const OWNERS_GROUP = guidFrom('group:subscription-owners');
const PLATFORM_GROUP = guidFrom('group:platform-team');

/** Roles held through Microsoft Entra groups and custom roles, and administrators through nested Azure DevOps groups. */
describe('Azure roles and administrators held through groups', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('counts a role given to a group the user belongs to through another group, and names the group', async () => {
    emulator.world.addEntraGroup(PLATFORM_GROUP, 'Platform team', [ISAIAH]);
    emulator.world.addEntraGroup(OWNERS_GROUP, 'Subscription Owners', [PLATFORM_GROUP]);
    emulator.world.assign(SUB_PAYG, OWNERS_GROUP, 'Owner', { principalType: 'Group' });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ISAIAH));
    const mine = (await directory.roleAssignmentsOn(SUB_PAYG)).filter((a) => a.principalId === ISAIAH);
    assert.deepEqual(mine, [{ subscriptionId: SUB_PAYG, principalId: ISAIAH, role: 'Owner', throughGroup: OWNERS_GROUP }]);
    assert.ok(emulator.callsTo('RoleAssignments_ListForSubscription').some((r) => r.query.$filter === `atScope() and assignedTo('${ISAIAH}')`));
  });

  it('without any group, a user with no role on the subscription holds none there', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ISAIAH));
    assert.deepEqual((await directory.roleAssignmentsOn(SUB_PAYG)).filter((a) => a.principalId === ISAIAH), []);
  });

  it('refuses to take away one person\'s role that a group gives, and says which group', async () => {
    emulator.world.addEntraGroup(OWNERS_GROUP, 'Subscription Owners', [ISAIAH]);
    emulator.world.assign(SUB_PAYG, OWNERS_GROUP, 'Contributor', { principalType: 'Group' });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ISAIAH));
    await assert.rejects(directory.revokeRole({ subscriptionId: SUB_PAYG, principalId: ISAIAH, role: 'Contributor' }), (error: unknown) => {
      assert.ok(error instanceof DirectoryChangeError);
      assert.match(error.message, new RegExp(`comes through the Microsoft Entra group ${OWNERS_GROUP}.*Remove them from that group`));
      return true;
    });
    assert.equal(emulator.callsTo('RoleAssignments_Delete').length, 0);
  });

  const customRoles: { name: string; actions: string[]; notActions?: string[]; counts: RoleName | undefined }[] = [
    { name: 'Everything', actions: ['*'], counts: 'Owner' },
    { name: 'Contributor look-alike', actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'], counts: 'Contributor' },
    { name: 'Role Based Access Control Administrator', actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'], counts: 'User Access Administrator' },
    { name: 'Resource writer', actions: ['*/write', '*/read'], counts: 'Owner' },
    { name: 'Auditor', actions: ['*/read'], counts: 'Reader' },
    { name: 'Storage only', actions: ['Microsoft.Storage/*'], counts: undefined },
  ];

  for (const { name, actions, notActions, counts } of customRoles) {
    it(`counts the role "${name}" by its permissions as ${counts ?? 'nothing'}`, async () => {
      const id = guidFrom(`custom:${name}`);
      emulator.world.customRoles.set(id, { roleName: name, actions, notActions: notActions ?? [] });
      // The emulator lets the holder read the subscription, as any role would.
      emulator.world.assign(SUB_PAYG, LYNNE, counts ?? 'Reader', { customRoleId: id });
      const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, LYNNE));
      const held = (await directory.roleAssignmentsOn(SUB_PAYG)).filter((a) => a.principalId === LYNNE);
      assert.deepEqual(held, counts ? [{ subscriptionId: SUB_PAYG, principalId: LYNNE, role: counts, definitionName: name }] : []);
      // Read once, although the list and the user's own assignments both name it.
      assert.equal(emulator.callsTo('RoleDefinitions_Get').length, 1);
    });
  }

  it('counts a project collection administrator through nested Azure DevOps groups and names the outermost group', async () => {
    emulator.world.nestAdministrator(ORG_WEB, ['Platform Admins', 'On-call'], LYNNE);
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, LYNNE));
    const organization = await directory.getOrganization(ORG_WEB);
    assert.ok(organization?.projectCollectionAdministrators.includes(LYNNE));
    assert.deepEqual(organization?.administratorGroups, { [LYNNE]: 'Platform Admins' });
  });

  it(`stops following groups inside groups after ${MAX_GROUP_DEPTH} levels`, async () => {
    const deep = Array.from({ length: MAX_GROUP_DEPTH + 1 }, (_, i) => `Level ${i + 1}`);
    emulator.world.nestAdministrator(ORG_WEB, deep.slice(0, MAX_GROUP_DEPTH - 1), ISAIAH);
    emulator.world.nestAdministrator(ORG_WEB, deep, LYNNE);
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ISAIAH));
    const administrators = (await directory.getOrganization(ORG_WEB))?.projectCollectionAdministrators ?? [];
    assert.ok(administrators.includes(ISAIAH), 'a member at the deepest level followed counts');
    assert.ok(!administrators.includes(LYNNE), 'a member one level deeper is not reached');
  });
});

describe('Subscription facts Azure leaves out or this version does not know', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile());
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('reads a missing spending limit as not known, and an unknown state as Azure reported it', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ISAIAH));
    const reported = {
      id: `/subscriptions/${SUB_PAYG}`, subscriptionId: SUB_PAYG, displayName: 'Contoso Pay-As-You-Go', tenantId: '00000000-0000-0000-0000-0000000000001',
      state: 'Expired', subscriptionPolicies: { quotaId: 'PayAsYouGo_2014-09-01', locationPlacementId: 'Public_2014-09-01' },
    };
    emulator.inject({ operationId: 'Subscriptions_Get', reply: { status: 200, body: reported } });
    const subscription = await directory.getSubscription(SUB_PAYG);
    assert.equal(subscription?.spendingLimit, 'NotKnown');
    assert.equal(subscription?.state, 'Unknown');
    assert.equal(subscription?.reportedState, 'Expired');
  });
});
