import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DirectoryFileError } from '../../../src/directory/directoryFile';
import { LocalDirectory, type LocalDirectoryOptions } from '../../../src/directory/localDirectory';
import { ALEX, CONTOSO_TENANT, DEMO_FILE, editAt, makeTempFolder, removeTempFolder, validDocument } from './fixtures';

const MEGAN = '00000000-0000-0000-0000-0000000000021';
const SHARED_SERVICES = '209773c3-995b-44d1-8fb5-731c969e7977';
const DATA_PLATFORM = '5b603996-1436-4729-a436-ef695bfb952c';

/** The directory answers from memory, or from the indexed copy it keeps beside the state; both must answer alike. */
const ANSWERING: readonly { readonly from: string; readonly options: (folder: string) => LocalDirectoryOptions }[] = [
  { from: 'from memory', options: () => ({}) },
  { from: 'from its checked copy', options: (folder) => ({ checkedCopy: path.join(folder, 'directory.checked') }) },
];

async function openFailure(file: string): Promise<DirectoryFileError> {
  try {
    await LocalDirectory.open(file);
  } catch (error) {
    if (error instanceof DirectoryFileError) return error;
    throw error;
  }
  assert.fail(`Opening ${file} succeeded, but it should have failed.`);
}

for (const answering of ANSWERING) {
describe(`LocalDirectory on the demo file, answering ${answering.from}`, () => {
  let directory: LocalDirectory;
  let folder: string;

  before(async () => {
    folder = await makeTempFolder();
    directory = await LocalDirectory.open(DEMO_FILE, answering.options(folder));
  });

  after(async () => {
    await removeTempFolder(folder);
  });

  it('finds users and tenants by id', async () => {
    assert.equal((await directory.getUser(ALEX))?.displayName, 'Alex Wilber');
    assert.equal((await directory.getTenant(CONTOSO_TENANT))?.displayName, 'Contoso');
    assert.equal(await directory.getUser('user-id-0'), undefined);
    assert.equal(await directory.getTenant('nowhere'), undefined);
  });

  it('returns the users asked for in the order asked, skipping unknown ids', async () => {
    const users = await directory.getUsers([MEGAN, 'nobody', ALEX]);
    assert.deepEqual(
      users.map((user) => user.displayName),
      ['Megan Bowen', 'Alex Wilber'],
    );
  });

  it("lists the organizations Alex owns, administers or belongs to, once each and in the file's order", async () => {
    const organizations = await directory.organizationsOf(ALEX);
    assert.deepEqual(
      organizations.map((organization) => organization.name),
      ['contoso-web', 'contoso-mobile', 'contoso-data'],
    );
    assert.equal((await directory.getOrganization('org-contoso-research'))?.name, 'contoso-research');
    assert.deepEqual(await directory.organizationsOf('nobody'), []);
  });

  it('lists the subscriptions on which Alex holds any role, once each', async () => {
    const subscriptions = await directory.subscriptionsVisibleTo(ALEX);
    const ids = subscriptions.map((subscription) => subscription.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 11);
    assert.ok(ids.includes(SHARED_SERVICES), 'A Reader role still makes a subscription visible.');
    assert.ok(!ids.includes(DATA_PLATFORM), 'Alex holds no role on Contoso Data Platform.');
    assert.equal((await directory.getSubscription(DATA_PLATFORM))?.displayName, 'Contoso Data Platform');
  });

  it('lists the role assignments on a subscription', async () => {
    const assignments = await directory.roleAssignmentsOn(SHARED_SERVICES);
    assert.deepEqual(
      assignments.map((assignment) => `${assignment.principalId} ${assignment.role}`),
      [`${MEGAN} Owner`, '00000000-0000-0000-0000-0000000000023 Owner', `${ALEX} Reader`],
    );
    assert.deepEqual(await directory.roleAssignmentsOn('nowhere'), []);
  });

  it('hands out copies of its lists, so a caller cannot change what others see', async () => {
    const first = await directory.organizationsOf(ALEX);
    first.length = 0;
    assert.equal((await directory.organizationsOf(ALEX)).length, 3);
  });
});
}

describe('LocalDirectory.open', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await makeTempFolder();
  });

  afterEach(async () => {
    await removeTempFolder(folder);
  });

  it('names a missing file and says what to do', async () => {
    const file = path.join(folder, 'missing.json');
    const error = await openFailure(file);
    assert.equal(error.file, file);
    assert.match(error.message, /^The directory file ".*missing\.json" cannot be used: The file does not exist\. Create it/);
  });

  it('names a folder given in place of a file', async () => {
    const error = await openFailure(folder);
    assert.match(error.message, /cannot be used: The file cannot be read/);
  });

  it('names the file and the path of an invalid entry', async () => {
    const file = path.join(folder, 'world.json');
    const document = validDocument();
    editAt(document, 'organizations[1].tenantId', 'tenant-nowhere');
    await fs.writeFile(file, JSON.stringify(document));
    const error = await openFailure(file);
    assert.ok(error.message.includes(`"${file}"`), error.message);
    assert.match(error.message, /organizations\[1\]\.tenantId is "tenant-nowhere"/);
  });

  it('resolves a relative path, so messages name the file unambiguously', async () => {
    const relative = path.relative(process.cwd(), DEMO_FILE);
    const directory = await LocalDirectory.open(relative);
    assert.equal(directory.file, DEMO_FILE);
  });
});

for (const answering of ANSWERING) {
describe(`LocalDirectory when the file changes, answering ${answering.from}`, () => {
  let folder: string;
  let file: string;
  let warnings: string[];
  let directory: LocalDirectory;

  const warn = (message: string): void => {
    warnings.push(message);
  };

  /** Writes a new version and moves its modification time on, as a later save would. */
  async function save(content: string, secondsLater: number): Promise<void> {
    await fs.writeFile(file, content);
    const later = new Date(Date.now() + secondsLater * 1000);
    await fs.utimes(file, later, later);
  }

  async function demoWithOrganizationRenamed(newName: string): Promise<string> {
    const document: unknown = JSON.parse(await fs.readFile(DEMO_FILE, 'utf8'));
    editAt(document, 'organizations[0].name', newName);
    return JSON.stringify(document, null, 2);
  }

  beforeEach(async () => {
    folder = await makeTempFolder();
    file = path.join(folder, 'directory.json');
    await fs.copyFile(DEMO_FILE, file);
    warnings = [];
    // Looks at the file on every question, so each test sees its edit at once.
    directory = await LocalDirectory.open(file, { ...answering.options(folder), warn, recheckAfterMs: 0 });
  });

  afterEach(async () => {
    await removeTempFolder(folder);
  });

  it('answers from the new content on the next question', async () => {
    await save(await demoWithOrganizationRenamed('contoso-website'), 10);
    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-website');
    assert.deepEqual(warnings, []);
  });

  it('notices a change that keeps the size, by the modification time', async () => {
    await save(await demoWithOrganizationRenamed('contoso-wxb'), 10);
    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-wxb');
    await save(await demoWithOrganizationRenamed('contoso-wyb'), 20);
    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-wyb');
  });

  it('keeps the last good content when the new one is invalid, and warns once naming the file and the problem', async () => {
    const document: unknown = JSON.parse(await fs.readFile(DEMO_FILE, 'utf8'));
    editAt(document, 'subscriptions[2].state', 'Active');
    await save(JSON.stringify(document), 10);

    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-web');
    assert.equal((await directory.subscriptionsVisibleTo(ALEX)).length, 11);
    assert.equal(warnings.length, 1, 'The same bad version is reported once, not on every question.');
    assert.ok(warnings[0]?.includes(`"${file}"`), warnings[0]);
    assert.match(warnings[0] ?? '', /keeps answering from the version it loaded at \d{4}-\d\d-\d\dT/);
    assert.match(warnings[0] ?? '', /subscriptions\[2\]\.state is "Active", which is not allowed/);

    await save(await demoWithOrganizationRenamed('contoso-website'), 20);
    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-website');
    assert.equal(warnings.length, 1);
  });

  it('keeps the last good content through a half-written save', async () => {
    await save('{ "tenants": [', 10);
    assert.equal((await directory.getUser(ALEX))?.displayName, 'Alex Wilber');
    assert.match(warnings[0] ?? '', /The file is not valid JSON/);
  });

  it('keeps the last good content while the file is missing, and reloads when it is back', async () => {
    await fs.rm(file);
    assert.equal((await directory.organizationsOf(ALEX)).length, 3);
    assert.equal(await directory.getUser(ALEX).then((user) => user?.email), 'alexw@contoso.com');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /The file does not exist/);

    await save(await demoWithOrganizationRenamed('contoso-website'), 10);
    assert.equal((await directory.getOrganization('org-contoso-web'))?.name, 'contoso-website');
  });

  it('looks at the file at most once a second by default, and answers from the edit once that has passed', async () => {
    let clock = 5_000;
    const paced = await LocalDirectory.open(file, { ...answering.options(folder), warn, now: () => clock });
    await save(await demoWithOrganizationRenamed('contoso-website'), 10);
    assert.equal((await paced.getOrganization('org-contoso-web'))?.name, 'contoso-web');
    clock += 999;
    assert.equal((await paced.getOrganization('org-contoso-web'))?.name, 'contoso-web');
    clock += 1;
    assert.equal((await paced.getOrganization('org-contoso-web'))?.name, 'contoso-website');
  });

  it('answers questions asked at the same moment from the new content', async () => {
    await save(await demoWithOrganizationRenamed('contoso-website'), 10);
    const answers = await Promise.all(Array.from({ length: 20 }, () => directory.getOrganization('org-contoso-web')));
    assert.ok(answers.every((organization) => organization?.name === 'contoso-website'));
  });
});
}
