import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errorCode, messageOf } from './errorDetails';
import { acquireStateFileLock, type StateFileLock } from './fileLock';
import { StateFileError, StateWriteError, type StateStore } from './port';
import { quantitiesShapeProblem } from './quantitiesState';
import { createSerializedState } from './serializedState';
import { STATE_SCHEMA_VERSION, emptyState, type BotState } from './state';
import { emptyNotificationState, withNotificationDefaults } from './notificationState';

/**
 * The embedded StateStore: one JSON file, written by lowdb through steno (temp file, then rename), so
 * a crash mid-write leaves the previous file whole. The file is locked for as long as the store is
 * open, and a file we cannot understand stops the start instead of being replaced.
 */

export interface LowdbStoreOptions {
  /** Where to report things worth a look that do not stop the start, such as a stale lock taken over. */
  readonly warn?: (message: string) => void;
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
    return await openLocked(stateFile, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openLocked(stateFile: string, lock: StateFileLock): Promise<StateStore> {
  const existing = await readExistingState(stateFile);
  const { Low } = await import('lowdb');
  const { JSONFile } = await import('lowdb/node');
  const db = new Low<BotState>(new JSONFile<BotState>(stateFile), existing ?? emptyState());
  if (existing === undefined) {
    try {
      await db.write();
    } catch (error) {
      throw new StateFileError(
        `Could not create the state file ${stateFile}: ${messageOf(error)}. Check that its folder is writable and has free space.`,
      );
    }
  }

  const state = createSerializedState(
    db.data,
    async (next) => {
      const previous = db.data;
      db.data = next;
      try {
        await db.write();
      } catch (error) {
        db.data = previous;
        throw new StateWriteError(stateFile, error);
      }
    },
    stateFile,
  );

  let closed: Promise<void> | undefined;
  return {
    read: () => state.read(),
    update: (mutate) => state.update(mutate),
    close() {
      closed ??= (async () => {
        try {
          await state.close();
          await lock.release();
        } finally {
          openPaths.delete(stateFile);
        }
      })();
      return closed;
    },
  };
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

/** The state in the file, or undefined if there is no file yet. Never writes. */
async function readExistingState(stateFile: string): Promise<BotState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(stateFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateFileError(`Could not read the state file ${stateFile}: ${messageOf(error)}. Check that it is a readable file.`);
  }
  return parseState(stateFile, text);
}

const KEEP_THE_FILE =
  'The bot did not start and left the file untouched: restore it from a backup, or move it aside to start with an empty state.';

export function parseState(stateFile: string, text: string): BotState {
  // An empty file is what a failed copy or a full disk leaves behind, not a new installation.
  if (text.trim().length === 0) {
    throw new StateFileError(`The state file ${stateFile} is empty. ${KEEP_THE_FILE}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`The state file ${stateFile} is not valid JSON (${messageOf(error)}). ${KEEP_THE_FILE}`);
  }
  const problem = shapeProblem(value);
  if (problem !== undefined) {
    throw new StateFileError(`The state file ${stateFile} ${problem}. ${KEEP_THE_FILE}`);
  }
  const state = value as BotState;
  // Files written before paid quantities, managers or notifications existed lack those keys; they hold none.
  return withNotificationDefaults({ ...state, quantities: state.quantities ?? {}, purchases: state.purchases ?? {} });
}

/** What keeps `value` from being a BotState of this version, or undefined if nothing does. */
function shapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `does not hold a JSON object (found ${describe(value)})`;
  const { schemaVersion } = value;
  if (schemaVersion === undefined) return 'has no schemaVersion, so it is not a state file of this bot';
  if (schemaVersion !== STATE_SCHEMA_VERSION) {
    const newer = typeof schemaVersion === 'number' && schemaVersion > STATE_SCHEMA_VERSION;
    return (
      `has schemaVersion ${JSON.stringify(schemaVersion)}, but this version of the bot reads only version ${STATE_SCHEMA_VERSION}` +
      (newer ? ' (it was written by a newer version of the bot; run that version instead)' : '')
    );
  }
  for (const key of ['links', 'flows', 'conversations'] as const) {
    if (!isPlainObject(value[key])) return `has ${key} that is not an object (found ${describe(value[key])})`;
  }
  if (!Array.isArray(value.audit)) return `has audit that is not an array (found ${describe(value.audit)})`;
  // Keys added after the first release may be missing (they start empty), but not malformed.
  for (const key of Object.keys(emptyNotificationState())) {
    if (value[key] !== undefined && !isPlainObject(value[key])) return `has ${key} that is not an object (found ${describe(value[key])})`;
  }
  return quantitiesShapeProblem(value.quantities, value.purchases);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
