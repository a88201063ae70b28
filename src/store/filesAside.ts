import { promises as fs } from 'node:fs';
import path from 'node:path';
import { messageOf } from './errorDetails';
import type { JournalRecord } from './journal';
import { StateFileError } from './port';
import { isStateFileCompanion, journalCollection } from './stateFile';

/**
 * Files beside the state file that the state cannot account for. None is ever deleted: a missing
 * state file with files of a state beside it stops the start, and anything else is moved into a
 * dated folder (`aside-<time>-<random>/`) with a warning that says where it went and why.
 */

/**
 * A state file that is missing while files of its state are still there is a lost or misplaced
 * state, not a new installation: starting empty would drop every link, manager, quantity, audit
 * entry and notification in them. Journals that hold nothing (an empty state's first start cut
 * short before its state file was written) are only moved aside.
 * @throws StateFileError naming the files and the way out when any of them holds something.
 */
export async function refuseOrphanedState(stateFile: string, warn: (message: string) => void): Promise<void> {
  const folder = path.dirname(stateFile);
  const names = (await fs.readdir(folder).catch(() => [] as string[])).filter((name) => isStateFileCompanion(stateFile, name)).sort();
  if (names.length === 0) return;
  const sizes = await Promise.all(names.map(async (name) => fs.lstat(path.join(folder, name)).then((stats) => (stats.isFile() ? stats.size : -1), () => 0)));
  if (sizes.every((size) => size === 0) && names.every((name) => journalCollection(stateFile, name) !== undefined)) {
    await setAside(stateFile, names.map((name) => ({ path: path.join(folder, name) })), warn, 'holds nothing and belongs to no state file (a first start cut short)');
    return;
  }
  const files = names.map((name) => path.join(folder, name)).join(', ');
  throw new StateFileError(
    `The state file ${stateFile} does not exist, but its folder holds files of a state: ${files}. ` +
      'Starting with an empty state would lose the billing links, managers, paid quantities, audit and notifications they hold, ' +
      `so the bot did not start and changed nothing. Restore ${stateFile} from a backup; or, to start with an empty state on purpose, move those files out of ${folder}.`,
  );
}

/** Journal-shaped files of this state file that it does not list: left by a compaction or a move that never finished. */
export async function setAsideStrayJournals(stateFile: string, listed: Readonly<Record<string, JournalRecord>>, warn: (message: string) => void): Promise<void> {
  const folder = path.dirname(stateFile);
  const inUse = new Set(Object.values(listed).map((record) => record.file));
  const strays = (await fs.readdir(folder)).filter((file) => !inUse.has(file) && journalCollection(stateFile, file) !== undefined).sort();
  if (strays.length === 0) return;
  await setAside(stateFile, strays.map((file) => ({ path: path.join(folder, file) })), warn, 'is not part of the state (a compaction or conversion that did not finish), so the bot does not read it');
}

/**
 * Moves files into a new dated folder beside the state file, never over anything, with one warning
 * per file saying where it went and why.
 */
export async function setAside(
  stateFile: string,
  files: readonly { readonly path: string }[],
  warn: (message: string) => void,
  why: string,
  ifItFails = 'The bot did not start: check that the folder is writable, or move the file out of it yourself.',
): Promise<void> {
  const folder = path.dirname(stateFile);
  const aside = await fs.mkdtemp(path.join(folder, `aside-${new Date().toISOString().replace(/[:.]/g, '-')}-`));
  for (const file of files) {
    const target = path.join(aside, path.basename(file.path));
    try {
      await fs.rename(file.path, target);
    } catch (error) {
      throw new StateFileError(
        `Could not move ${file.path} aside into ${aside} (${messageOf(error)}); it ${why}. ${ifItFails}`,
      );
    }
    warn(`The file ${file.path} ${why}; it was moved to ${target}. Nothing in it was deleted: delete ${aside} once you are sure you do not need it.`);
  }
}
