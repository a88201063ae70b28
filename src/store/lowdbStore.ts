import { promises as fs } from 'node:fs';
import path from 'node:path';
import { messageOf } from './errorDetails';
import { acquireStateFileLock, type StateFileLock } from './fileLock';
import { StateFileError, type StateStore } from './port';
import { createSerializedState } from './serializedState';
import { READ_AFTER_START } from './state';
import { StateFolder } from './stateFolder';
import { unitOfWorkOver } from './unitOfWork';

/**
 * The embedded StateStore: a JSON file replaced whole through a temp file and a rename (as lowdb's
 * steno does; see StateFileReplacer), so a crash mid-write leaves the previous file whole, with the
 * collections that grow kept in journals beside it (see StateFolder), so that an update costs what
 * it changes. The files are locked for as long as the store is open, and a file we cannot understand
 * stops the start instead of being replaced.
 */

export interface LowdbStoreOptions {
  /** Where to report things worth a look that do not stop the start, such as a stale lock taken over. */
  readonly warn?: (message: string) => void;
  /**
   * Opens the collections of READ_AFTER_START without reading them: conversation references are read
   * on first use, the audit history only when asked for. A damaged line of theirs is then found on
   * that use, not at open. The whole-state `snapshot` then lacks the history saved before the start.
   */
  readonly readAfterStart?: boolean;
}

/** Two lowdb instances on one file would overwrite each other's saves, so each path opens once. */
const openPaths = new Set<string>();

export async function openLowdbStore(file: string, options: LowdbStoreOptions = {}): Promise<StateStore> {
  const stateFile = path.resolve(file);
  if (openPaths.has(stateFile)) {
    throw new StateFileError(
      `The state file ${stateFile} is already open in this process. Use the store that is already open, or close it first.`,
    );
  }
  openPaths.add(stateFile);
  try {
    return await openExclusively(stateFile, options);
  } catch (error) {
    openPaths.delete(stateFile);
    throw error;
  }
}

async function openExclusively(stateFile: string, options: LowdbStoreOptions): Promise<StateStore> {
  await createParentFolder(stateFile);
  const lock = await acquireStateFileLock(stateFile, options);
  try {
    return await openLocked(stateFile, lock, options);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openLocked(stateFile: string, lock: StateFileLock, options: LowdbStoreOptions): Promise<StateStore> {
  const { folder, state: initial } = await StateFolder.open(stateFile, options.warn ?? (() => undefined), options.readAfterStart ? READ_AFTER_START : undefined);
  const state = createSerializedState(initial, (changes, current) => folder.persist(changes, current), stateFile, folder.layout);
  folder.attach(state);

  let closed: Promise<void> | undefined;
  const elsewhere = {
    collectionRead: (collection: string): Promise<void> => (folder.isUnread(collection) ? folder.readLater() : Promise.resolve()),
    savedBefore: (collection: string): Promise<unknown[]> => folder.savedBefore(collection),
  };
  return unitOfWorkOver({
    read: () => state.read(),
    update: (mutate) => state.update(mutate),
    close() {
      closed ??= (async () => {
        try {
          await state.close();
          await folder.close();
          await lock.release();
        } finally {
          openPaths.delete(stateFile);
        }
      })();
      return closed;
    },
  }, elsewhere);
}

async function createParentFolder(stateFile: string): Promise<void> {
  const folder = path.dirname(stateFile);
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (error) {
    throw new StateFileError(
      `Could not create the folder ${folder} for the state file ${stateFile}: ${messageOf(error)}. ` +
        'Create it yourself or point STATE_FILE at a writable location.',
    );
  }
}
