import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckedCopy } from '../../../src/directory/checkedCopy';
import { DirectoryFileError, parseDirectoryFile } from '../../../src/directory/directoryFile';
import { LocalDirectory } from '../../../src/directory/localDirectory';
import { editAt, makeTempFolder, removeTempFolder, validDocument } from './fixtures';

/**
 * The directory as last checked, kept beside the state so that a restart with the same file skips
 * the checks: it must be used only for the very bytes it was made from, and a stale or damaged copy
 * must be made again from the file, never trusted.
 */
describe('The checked copy of the local directory', () => {
  let folder: string;
  let file: string;
  let copy: string;

  const open = (): Promise<LocalDirectory> => LocalDirectory.open(file, { checkedCopy: copy });
  const nameOfWeb = async (directory: LocalDirectory): Promise<string | undefined> => (await directory.getOrganization('org-web'))?.name;

  /** Saves, as the copy of the file as it is, a directory in which contoso-web is called `name`. */
  async function saveCopyNaming(name: string): Promise<void> {
    const document = validDocument();
    editAt(document, 'organizations[0].name', name);
    const source = CheckedCopy.hashOf(await fs.readFile(file));
    await new CheckedCopy(copy).write(source, parseDirectoryFile(file, JSON.stringify(document)));
  }

  /** Changes bytes of the copy where a record says contoso-web, as a fault of the disk would, keeping its size. */
  async function damageCopy(): Promise<void> {
    const saved = await fs.readFile(copy);
    const at = saved.indexOf('"contoso-web"');
    assert.ok(at > 0, 'the copy holds the name');
    saved.write('"contoso-wxb"', at);
    await fs.writeFile(copy, saved);
  }

  beforeEach(async () => {
    folder = await makeTempFolder();
    file = path.join(folder, 'directory.json');
    copy = path.join(folder, 'state', 'directory.checked.json');
    await fs.mkdir(path.dirname(copy));
    await fs.writeFile(file, JSON.stringify(validDocument()));
  });

  afterEach(async () => {
    await removeTempFolder(folder);
  });

  it('is written when the file is first read, and answers the next start for the same file', async () => {
    assert.equal(await nameOfWeb(await open()), 'contoso-web');
    assert.ok((await fs.stat(copy)).size > 0, 'the copy is saved');
    // A copy that says something else, saved whole, shows that the next start reads the copy.
    await saveCopyNaming('from-the-copy');
    assert.equal(await nameOfWeb(await open()), 'from-the-copy');
  });

  it('is not trusted when damaged on disk: the file is checked again and the copy made again', async () => {
    await open();
    await damageCopy();
    assert.equal(await nameOfWeb(await open()), 'contoso-web');
    const source = CheckedCopy.hashOf(await fs.readFile(file));
    assert.ok(await new CheckedCopy(copy).open(source), 'the copy was written again from the file');
  });

  it('is not used once the file has changed', async () => {
    await open();
    const document = validDocument();
    editAt(document, 'organizations[0].name', 'contoso-web-renamed');
    await fs.writeFile(file, JSON.stringify(document));
    assert.equal(await nameOfWeb(await open()), 'contoso-web-renamed');
  });

  it('never hides a problem of the file: an invalid file stops the start, whatever the copy holds', async () => {
    await open();
    const document = validDocument();
    editAt(document, 'organizations[0].ownerId', 'nobody');
    await fs.writeFile(file, JSON.stringify(document));
    await assert.rejects(open(), (error: unknown) => error instanceof DirectoryFileError && error.message.includes(file));
  });

  it('starts from the file when the copy cannot be written, and says so', async () => {
    const warnings: string[] = [];
    await fs.rm(path.dirname(copy), { recursive: true });
    const directory = await LocalDirectory.open(file, { checkedCopy: copy, warn: (message) => warnings.push(message) });
    assert.equal(await nameOfWeb(directory), 'contoso-web');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /Could not save the checked copy .* the next start checks the file again/);
  });
});
