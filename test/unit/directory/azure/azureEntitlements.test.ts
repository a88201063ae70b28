import assert from 'node:assert/strict';
import type { Entitlement } from '../../../../src/domain/directory';
import { DirectoryChangeError } from '../../../../src/domain/ports/directory';
import { AzureEmulator, devOpsError } from '../../../support/azure/azureEmulator';
import { demoWorldFile, emulatedBackend, requester } from '../../../support/azure/emulatedBackend';
import { vsidOf } from '../../../support/azure/emulatedWorld';
import { ALEX, ISAIAH, ORG_WEB, PATTI } from '../../../support/demoWorld';

const PRADEEP = '00000000-0000-0000-0000-0000000000031';
const CHANGE = { organizationId: ORG_WEB, changedBy: ALEX, changedAt: '2026-12-07T05:00:00.000Z' } as const;

/** What the demo file says of contoso-web's users, without its explanatory notes. */
async function fileEntitlementsOfWeb(): Promise<Entitlement[]> {
  const file = await demoWorldFile();
  const web = file.organizations.find((o) => o.id === ORG_WEB) as unknown as { entitlements: (Entitlement & { note?: string })[] };
  return web.entitlements.map(({ note: _note, ...entitlement }) => entitlement);
}

/** Users' access levels through the user entitlements API of the emulator, which checks every request against the spec. */
describe('Azure directory: users and access levels', function () {
  this.timeout(20_000);
  let emulator: AzureEmulator;

  beforeEach(async () => {
    emulator = await AzureEmulator.start(await demoWorldFile(), { pageSize: 6 });
  });

  afterEach(async () => {
    assert.deepEqual(emulator.violations, []);
    await emulator.stop();
  });

  it('reads every page of entitlements into the same usage the directory file gives', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const usage = await directory.usageOf(ORG_WEB);
    assert.deepEqual(usage?.entitlements, await fileEntitlementsOfWeb());
    const pages = emulator.callsTo('User Entitlements_Search User Entitlements');
    assert.deepEqual(pages.map((p) => p.query.continuationToken), [undefined, '6'], 'two pages, the second by its continuation token');
    assert.equal((await directory.getUser(PRADEEP))?.displayName, 'Pradeep Gupta', 'the people the entitlements name are known by name');
  });

  it('reads the access level each license means', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    const byUser = new Map((await directory.usageOf(ORG_WEB))?.entitlements?.map((e) => [e.userId, e]));
    const cases: { name: string; userId: string; expected: Partial<Entitlement> }[] = [
      { name: 'express is Basic', userId: ISAIAH, expected: { accessLevel: 'basic', licensingSource: 'account', lastAccessed: '2026-08-03T12:30:00Z' } },
      { name: 'advanced is Basic + Test Plans', userId: PRADEEP, expected: { accessLevel: 'basicTestPlans' } },
      { name: 'stakeholder', userId: PATTI, expected: { accessLevel: 'stakeholder' } },
      { name: 'a Visual Studio subscriber', userId: '00000000-0000-0000-0000-0000000000026', expected: { licensingSource: 'msdn', accessLevel: 'basic' } },
      { name: 'a group rule', userId: '00000000-0000-0000-0000-0000000000027', expected: { assignedBy: 'groupRule' } },
      { name: 'never signed in', userId: '00000000-0000-0000-0000-0000000000029', expected: { lastAccessed: null } },
    ];
    for (const { name, userId, expected } of cases) {
      const found = byUser.get(userId);
      assert.ok(found, name);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(found[key as keyof Entitlement], value, `${name}: ${key}`);
    }
  });

  it('writes an access level with a JSON Patch of /accessLevel, and reads it back changed', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    await directory.setAccessLevel({ ...CHANGE, userId: PRADEEP, accessLevel: 'stakeholder' });
    const [patch] = emulator.callsTo('User Entitlements_Update User Entitlement');
    assert.equal(patch?.path, `/${'contoso-web'}/_apis/userentitlements/${vsidOf(PRADEEP)}`);
    assert.deepEqual(patch?.body, [{ op: 'replace', path: '/accessLevel', value: { accountLicenseType: 'stakeholder', licensingSource: 'account' } }]);
    const again = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    assert.equal((await again.usageOf(ORG_WEB))?.entitlements?.find((e) => e.userId === PRADEEP)?.accessLevel, 'stakeholder');
  });

  it('refuses the change with what to do when Azure DevOps answers 403, and changes nothing', async () => {
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, PATTI));
    await assert.rejects(directory.setAccessLevel({ ...CHANGE, userId: ISAIAH, accessLevel: 'stakeholder' }), (error: unknown) => {
      assert.ok(error instanceof DirectoryChangeError);
      assert.match(error.message, /refused to let you change an access level in contoso-web[\s\S]*Project Collection Administrators group of contoso-web/);
      return true;
    });
    assert.equal(emulator.world.entitlementsOf(ORG_WEB).find((e) => e.userId === ISAIAH)?.accessLevel, 'basic');
  });

  it('says what to do when reading the users is refused', async () => {
    emulator.inject({ operationId: 'User Entitlements_Search User Entitlements', reply: devOpsError(403, 'AccessCheckException', 'Access denied.') });
    const directory = await emulatedBackend(emulator).directoryFor(requester(emulator, ALEX));
    await assert.rejects(directory.usageOf(ORG_WEB), /refused to let you read the users and access levels of contoso-web[\s\S]*ask a project collection administrator of contoso-web/);
  });
});
