import assert from 'node:assert/strict';
import { DirectoryFileError, validateDirectoryFile } from '../../../src/directory/directoryFile';
import { LocalDirectory } from '../../../src/directory/localDirectory';
import { memoryRoleOverlay } from '../../../src/directory/roleOverlay';
import { ALEX, DEMO_FILE, editAt, validDocument } from './fixtures';

const FILE = '/srv/bot/world.json';

/** The valid document with usage on contoso-web (organizations[0]), edited by each case. */
function documentWith(edits: Readonly<Record<string, unknown>>): unknown {
  const document = validDocument();
  editAt(document, 'organizations[0].billingMode', 'multiOrg');
  editAt(document, 'organizations[0].entitlements', [
    { userId: 'user-alex', accessLevel: 'basic', licensingSource: 'account', assignedBy: 'direct', assigned: '2026-01-15T09:00:00Z', lastAccessed: '2026-11-30T17:02:00Z' },
    { userId: 'user-megan', accessLevel: 'basicTestPlans', licensingSource: 'msdn', assignedBy: 'groupRule', lastAccessed: null },
  ]);
  editAt(document, 'organizations[0].parallelJobs', { microsoftHosted: 2, selfHosted: 0 });
  editAt(document, 'organizations[0].artifacts', { usedGiB: 7.5, usageLimit: 'free' });
  for (const [at, value] of Object.entries(edits)) editAt(document, at, value);
  return document;
}

function rejection(content: unknown): DirectoryFileError {
  try {
    validateDirectoryFile(FILE, content);
  } catch (error) {
    if (error instanceof DirectoryFileError) return error;
    throw error;
  }
  assert.fail('The document was accepted, but it should have been rejected.');
}

const CASES: readonly { problem: string; edits: Readonly<Record<string, unknown>>; path: string; says: RegExp }[] = [
  { problem: 'an unknown billing mode', edits: { 'organizations[0].billingMode': 'shared' }, path: 'organizations[0].billingMode', says: /use one of "singleOrg", "multiOrg"/ },
  { problem: 'entitlements that are not a list', edits: { 'organizations[0].entitlements': {} }, path: 'organizations[0].entitlements', says: /must be a list of objects/ },
  { problem: 'an access level in the wrong case', edits: { 'organizations[0].entitlements[0].accessLevel': 'Basic' }, path: 'organizations[0].entitlements[0].accessLevel', says: /did you mean "basic"\?\); use one of "stakeholder", "basic", "basicTestPlans"/ },
  { problem: 'a missing licensing source', edits: { 'organizations[0].entitlements[1].licensingSource': undefined }, path: 'organizations[0].entitlements[1].licensingSource', says: /is missing; use one of "account", "msdn"/ },
  { problem: 'an unknown way of assignment', edits: { 'organizations[0].entitlements[1].assignedBy': 'group' }, path: 'organizations[0].entitlements[1].assignedBy', says: /use one of "direct", "groupRule"/ },
  { problem: 'a last sign-in that is no time', edits: { 'organizations[0].entitlements[0].lastAccessed': 'yesterday' }, path: 'organizations[0].entitlements[0].lastAccessed', says: /must be a time such as "2026-11-30T17:02:00Z", or null if the user has never signed in, but it is the string "yesterday"/ },
  { problem: 'a missing last sign-in', edits: { 'organizations[0].entitlements[0].lastAccessed': undefined }, path: 'organizations[0].entitlements[0].lastAccessed', says: /is missing/ },
  { problem: 'an entitlement for nobody in the file', edits: { 'organizations[0].entitlements[0].userId': 'user-ghost' }, path: 'organizations[0].entitlements[0].userId', says: /"user-ghost", which is not the id of any entry in users/ },
  { problem: 'an entitlement for someone outside the organization', edits: { 'organizations[0].entitlements[0].userId': 'user-adele' }, path: 'organizations[0].entitlements[0].userId', says: /"user-adele", who is not a member of the organization/ },
  { problem: 'one person twice', edits: { 'organizations[0].entitlements[1].userId': 'user-alex' }, path: 'organizations[0].entitlements[1].userId', says: /repeats entitlements\[0\]/ },
  { problem: 'a fractional parallel job', edits: { 'organizations[0].parallelJobs.microsoftHosted': 1.5 }, path: 'organizations[0].parallelJobs.microsoftHosted', says: /must be a whole number, 0 or more, but it is the number 1.5/ },
  { problem: 'a negative parallel job count', edits: { 'organizations[0].parallelJobs.selfHosted': -1 }, path: 'organizations[0].parallelJobs.selfHosted', says: /must be a whole number, 0 or more/ },
  { problem: 'parallel jobs that are not an object', edits: { 'organizations[0].parallelJobs': 3 }, path: 'organizations[0].parallelJobs', says: /must be an object describing the paid parallel jobs/ },
  { problem: 'storage given as text', edits: { 'organizations[0].artifacts.usedGiB': '7.5' }, path: 'organizations[0].artifacts.usedGiB', says: /must be a number, 0 or more, but it is the string "7.5"/ },
  { problem: 'an unknown usage limit', edits: { 'organizations[0].artifacts.usageLimit': 'unlimited' }, path: 'organizations[0].artifacts.usageLimit', says: /use one of "free", "payAsYouGo"/ },
];

describe('the usage fields of an organization in the directory file', () => {
  it('accepts every field and keeps what it says', async () => {
    const directory = validateDirectoryFile(FILE, documentWith({}));
    const usage = directory.organizations[0]?.usage;
    assert.equal(usage?.billingMode, 'multiOrg');
    assert.deepEqual(usage?.parallelJobs, { microsoftHosted: 2, selfHosted: 0 });
    assert.deepEqual(usage?.artifacts, { usedGiB: 7.5, usageLimit: 'free' });
    assert.equal(usage?.entitlements?.[1]?.lastAccessed, null);
    assert.equal(usage?.entitlements?.[0]?.assigned, '2026-01-15T09:00:00Z');
  });

  it('accepts an organization without any of them, as "usage not known"', () => {
    const directory = validateDirectoryFile(FILE, validDocument());
    assert.deepEqual(directory.organizations[1]?.usage, {});
  });

  for (const { problem, edits, path, says } of CASES) {
    it(`names the file, the organization and the field for ${problem}`, () => {
      const error = rejection(documentWith(edits));
      assert.deepEqual(error.problems.map((p) => p.path), [path]);
      assert.match(error.message, new RegExp(`^The directory file "${FILE.replace(/[/.]/g, '\\$&')}" cannot be used: In organization "contoso-web": `));
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, says);
    });
  }
});

describe('usage in the local directory', () => {
  it('answers the usage of the demo organizations and none for one the file says nothing about', async () => {
    const directory = await LocalDirectory.open(DEMO_FILE);
    const organizations = await directory.organizationsOf(ALEX);
    const web = organizations.find((o) => o.name === 'contoso-web');
    assert.ok(web);
    assert.equal('usage' in web, false, 'organizations are answered without their usage');
    const usage = await directory.usageOf(web.id);
    assert.equal(usage?.billingMode, 'multiOrg');
    assert.ok((usage?.entitlements?.length ?? 0) > 5);
    const research = (await directory.getOrganization('org-contoso-research'));
    assert.ok(research);
    assert.equal(await directory.usageOf(research.id), undefined);
  });

  it('lays an access level the bot set over the file, without rewriting it', async () => {
    const overlay = memoryRoleOverlay();
    const directory = await LocalDirectory.open(DEMO_FILE, { overlay });
    const isaiah = '00000000-0000-0000-0000-0000000000023';
    await directory.setAccessLevel({ organizationId: 'org-contoso-web', userId: isaiah, accessLevel: 'stakeholder', changedBy: ALEX, changedAt: '2026-12-07T10:00:00Z' });
    const entitlement = (await directory.usageOf('org-contoso-web'))?.entitlements?.find((e) => e.userId === isaiah);
    assert.equal(entitlement?.accessLevel, 'stakeholder');
    assert.equal((await overlay.read()).accessLevels?.length, 1);
    const reopened = await LocalDirectory.open(DEMO_FILE);
    assert.equal((await reopened.usageOf('org-contoso-web'))?.entitlements?.find((e) => e.userId === isaiah)?.accessLevel, 'basic');
  });

  it('refuses an access level for someone the file lists in no entitlement of the organization', async () => {
    const directory = await LocalDirectory.open(DEMO_FILE);
    await assert.rejects(
      directory.setAccessLevel({ organizationId: 'org-contoso-research', userId: ALEX, accessLevel: 'stakeholder', changedBy: ALEX, changedAt: '2026-12-07T10:00:00Z' }),
      /lists no access level for .* in contoso-research, so it cannot be changed/,
    );
  });
});
