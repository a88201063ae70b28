import assert from 'node:assert/strict';
import path from 'node:path';
import { CheckedCopy } from '../../../src/directory/checkedCopy';
import { validateDirectoryFile } from '../../../src/directory/directoryFile';
import { DirectoryIndex } from '../../../src/directory/directoryIndex';
import { recordKey } from '../../../src/directory/directoryRecords';
import { keyHash } from '../../../src/directory/recordKeys';
import { memoryLookups, type DirectoryLookups } from '../../../src/directory/directoryLookups';
import { ROLE_NAMES, type DirectoryFile } from '../../../src/domain/directory';
import { makeTempFolder, removeTempFolder } from './fixtures';

/** A world with people in many organizations, several roles on one subscription, and tenants of many people. */
function generatedWorld(): DirectoryFile {
  let seed = 17;
  const next = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  const tenants = Array.from({ length: 3 }, (_, t) => ({ id: `tenant-${t}`, displayName: `Tenant ${t}` }));
  const users = Array.from({ length: 60 }, (_, u) => ({
    id: `user-${u}`,
    displayName: `Person ${String.fromCharCode(90 - (u % 26))}${u}`,
    email: `person${u}@example.com`,
    tenantId: `tenant-${u % 3}`,
  }));
  const organizations = Array.from({ length: 80 }, (_, o) => {
    const owner = `user-${next(60)}`;
    const members = [...new Set(Array.from({ length: next(8) }, () => `user-${next(60)}`))];
    return {
      id: `org-${o}`,
      name: `org-name-${o}`,
      tenantId: `tenant-${o % 3}`,
      ownerId: owner,
      projectCollectionAdministrators: [owner],
      members,
      ...(o % 4 === 0 ? { usage: { parallelJobs: { microsoftHosted: o % 3, selfHosted: 1 } } } : {}),
    };
  });
  const subscriptions = Array.from({ length: 40 }, (_, s) => ({
    id: `sub-${s}`,
    displayName: `Subscription ${s}`,
    tenantId: `tenant-${s % 3}`,
    state: 'Enabled',
    quotaId: 'PayAsYouGo_2014-09-01',
    spendingLimit: 'Off',
  }));
  const seen = new Set<string>();
  const roleAssignments = Array.from({ length: 150 }, () => ({ subscriptionId: `sub-${next(40)}`, principalId: `user-${next(60)}`, role: ROLE_NAMES[next(4)] })).filter((a) => {
    const key = JSON.stringify(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return validateDirectoryFile('generated.json', { tenants, users, organizations, subscriptions, roleAssignments });
}

/** Every answer of both, for every id of the world and one unknown id. */
async function answersOf(lookups: DirectoryLookups, world: DirectoryFile): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const id of [...world.users.map((u) => u.id), 'nobody']) {
    answers.push(await lookups.user(id), await lookups.organizationsOf(id), await lookups.subscriptionsVisibleTo(id));
  }
  for (const id of [...world.organizations.map((o) => o.id), 'no-org']) answers.push(await lookups.organization(id), await lookups.usage(id));
  for (const id of [...world.subscriptions.map((s) => s.id), 'no-sub']) answers.push(await lookups.subscription(id), await lookups.roleAssignmentsOn(id));
  for (const id of [...world.tenants.map((t) => t.id), 'no-tenant']) answers.push(await lookups.tenant(id), await lookups.usersOfTenant(id));
  return answers;
}

/** Two user ids whose record keys hash alike, found once by trying 1.6 million ids. */
const SHARING_A_HASH = ['user-1479599', 'user-1662382'] as const;

describe('The checked copy of the local directory, answering from disk', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await makeTempFolder();
  });

  afterEach(async () => {
    await removeTempFolder(folder);
  });

  async function copied(world: DirectoryFile, cacheBytes?: number): Promise<DirectoryLookups> {
    const copy = new CheckedCopy(path.join(folder, 'directory.checked'), cacheBytes);
    await copy.write('source', world);
    const opened = await copy.open('source');
    assert.ok(opened, 'the copy just written is trusted');
    return opened;
  }

  it('gives every answer the in-memory index gives, on a generated world', async () => {
    const world = generatedWorld();
    assert.deepEqual(await answersOf(await copied(world), world), await answersOf(memoryLookups(new DirectoryIndex(world)), world));
  });

  it('gives the same answers when it can keep almost nothing in memory', async () => {
    const world = generatedWorld();
    const lookups = await copied(world, 1);
    const first = await answersOf(lookups, world);
    assert.deepEqual(await answersOf(lookups, world), first, 'answers read again from disk are the same');
    assert.deepEqual(first, await answersOf(memoryLookups(new DirectoryIndex(world)), world));
  });

  it('gives every asker the right answer when many ask about the same records at once', async () => {
    const world = generatedWorld();
    const lookups = await copied(world, 1);
    const memory = memoryLookups(new DirectoryIndex(world));
    const ids = [...world.users.map((u) => u.id), 'nobody'];
    const asked = await Promise.all([...ids, ...ids].map(async (id) => [await lookups.user(id), await lookups.organizationsOf(id)]));
    const expected = await Promise.all([...ids, ...ids].map(async (id) => [await memory.user(id), await memory.organizationsOf(id)]));
    assert.deepEqual(asked, expected);
  });

  it('tells apart two people whose record keys share a hash', async () => {
    const [first, second] = SHARING_A_HASH;
    assert.equal(keyHash(recordKey.user(first)), keyHash(recordKey.user(second)));
    const people = [first, second].map((id, i) => ({ id, displayName: `Person ${i}`, email: `p${i}@example.com`, tenantId: 'tenant' }));
    const world = validateDirectoryFile('collision.json', { tenants: [{ id: 'tenant', displayName: 'Tenant' }], users: people, organizations: [], subscriptions: [], roleAssignments: [] });
    const lookups = await copied(world);
    assert.equal((await lookups.user(first))?.displayName, 'Person 0');
    assert.equal((await lookups.user(second))?.displayName, 'Person 1');
  });

  it('is not opened for another source than the one it was made from', async () => {
    const copy = new CheckedCopy(path.join(folder, 'directory.checked'));
    await copy.write('source', generatedWorld());
    assert.equal(await copy.open('another source'), undefined);
  });
});
