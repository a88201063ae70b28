import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { errorCode, messageOf } from './errorDetails';
import { StateFileError } from './port';

const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;

/**
 * Opens a journal for reading and appending, only as a regular file.
 * @throws StateFileError naming the journal when it is missing or not a regular file.
 */
export async function openRegularJournalFile(file: string, collection: string): Promise<FileHandle> {
  await assertRegularJournalFile(file, collection);
  try {
    // O_NOFOLLOW: a link put in the file's place after the check above is refused, not followed.
    return await fs.open(file, fsConstants.O_RDWR | NO_FOLLOW);
  } catch (error) {
    throw cannotOpen(file, collection, error);
  }
}

/**
 * Refuses a journal that is not a regular file in the state's folder: a symbolic link would make the
 * bot read, and append to, a file elsewhere that whoever placed the link chose.
 */
export async function assertRegularJournalFile(file: string, collection: string): Promise<void> {
  let stats;
  try {
    stats = await fs.lstat(file);
  } catch (error) {
    throw cannotOpen(file, collection, error);
  }
  if (stats.isFile()) return;
  if (stats.isSymbolicLink()) {
    const target = await fs.readlink(file).catch(() => undefined);
    throw new StateFileError(
      `The journal ${file} of the state's "${collection}" is a symbolic link${target === undefined ? '' : ` to ${target}`}, not a file. ` +
        'The bot reads and writes its journals only as regular files inside the state\'s folder, so it did not start and changed nothing: ' +
        'put the file itself in place of the link (for example with cp --remove-destination), or restore the folder from a backup.',
    );
  }
  throw new StateFileError(
    `The journal ${file} of the state's "${collection}" is not a regular file (it is ${stats.isDirectory() ? 'a folder' : 'a special file'}). ` +
      'The bot did not start and changed nothing: restore the folder from a backup.',
  );
}

function cannotOpen(file: string, collection: string, error: unknown): StateFileError {
  return new StateFileError(
    `The journal ${file} of the state's "${collection}" cannot be opened (${describeOpenError(error)}). ` +
      'The state file refers to it, so the state is incomplete without it: restore the folder from a backup.',
  );
}

function describeOpenError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'ELOOP') return 'it was replaced by a symbolic link';
  return messageOf(error);
}
