import path from 'node:path';
import { z } from 'zod';
import { JOURNAL_CHECKSUM, type CollectionValue, type JournalRecord } from './journal';
import { messageOf } from './errorDetails';
import { StateFileError } from './port';
import { STATE_LAYOUT, STATE_SCHEMA_VERSION, type CollectionKind, type StateLayout } from './state';

/**
 * The state file itself: the schema version, the small values kept in it, and under `journals` where
 * each journaled collection is and how much of it is saved. A file written before journals existed
 * holds every collection inline; it is read as it is, and its collections move to journals on open.
 */

/** The key of the state file that lists the journals; never a key of the state. */
export const JOURNALS_KEY = 'journals';

export interface StateFileContent {
  /** Everything kept in the file itself, the schema version included. */
  readonly values: Record<string, unknown>;
  readonly journals: Record<string, JournalRecord>;
  /** Collections declared in STATE_LAYOUT that the file still holds inline. */
  readonly inline: Record<string, CollectionValue>;
}

/** Collections every state file has had since version 1: a file without one of them is not ours. */
const REQUIRED: StateLayout = { links: 'keyed', flows: 'keyed', conversations: 'keyed', audit: 'append-only' };

const KEEP_THE_FILE =
  'The bot did not start and left the file untouched: restore it from a backup, or move it aside to start with an empty state.';

/** The error for a state file the bot will not load: what is wrong, and that the file was left as it is. */
export function unusableStateFile(stateFile: string, problem: string): StateFileError {
  return new StateFileError(`The state file ${stateFile} ${problem}. ${KEEP_THE_FILE}`);
}

export function parseStateFile(stateFile: string, text: string): StateFileContent {
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
  const refuse = (problem: string): never => {
    throw unusableStateFile(stateFile, problem);
  };
  const root = PLAIN_OBJECT.safeParse(value);
  if (!root.success) return refuse(`does not hold a JSON object (found ${describe(value)})`);
  const versionProblem = schemaVersionProblem(root.data.schemaVersion);
  if (versionProblem) return refuse(versionProblem);

  const { [JOURNALS_KEY]: listed, ...rest } = root.data;
  const journals = readJournalRecords(listed, refuse);
  const values: Record<string, unknown> = {};
  const inline: Record<string, CollectionValue> = {};
  for (const [key, held] of Object.entries(rest)) {
    const kind = STATE_LAYOUT[key as keyof typeof STATE_LAYOUT] as CollectionKind | undefined;
    if (kind === undefined) values[key] = held;
    else if (journals[key]) refuse(`holds "${key}" both inline and in the journal ${journals[key].file}`);
    else inline[key] = checkedCollection(key, kind, held, refuse);
  }
  for (const [key, kind] of Object.entries(REQUIRED)) {
    if (inline[key] === undefined && journals[key] === undefined) checkedCollection(key, kind, undefined, refuse);
  }
  return { values, journals, inline };
}

function schemaVersionProblem(schemaVersion: unknown): string | undefined {
  if (schemaVersion === undefined) return 'has no schemaVersion, so it is not a state file of this bot';
  if (schemaVersion === STATE_SCHEMA_VERSION) return undefined;
  const newer = typeof schemaVersion === 'number' && schemaVersion > STATE_SCHEMA_VERSION;
  return (
    `has schemaVersion ${JSON.stringify(schemaVersion)}, but this version of the bot reads only version ${STATE_SCHEMA_VERSION}` +
    (newer ? ' (it was written by a newer version of the bot; run that version instead)' : '')
  );
}

/*
 * The shape of the state file, as zod schemas; the messages are built here, from what was found,
 * because they name the file and say that it was left untouched.
 */
const PLAIN_OBJECT = z.record(z.string(), z.unknown());
const COLLECTION: Readonly<Record<CollectionKind, z.ZodType<CollectionValue>>> = { keyed: PLAIN_OBJECT, 'append-only': z.array(z.unknown()) };
/** A journal: its kind, a plain .jsonl name in the state file's folder (never a path), and the bytes saved. */
const JOURNAL_RECORD = z.object({
  kind: z.enum(['keyed', 'append-only']),
  file: z.string().refine((file) => file === path.basename(file) && file.endsWith('.jsonl')),
  bytes: z.number().int().min(0),
  checksum: z.unknown().optional(),
});

function checkedCollection(key: string, kind: CollectionKind, held: unknown, refuse: (problem: string) => never): CollectionValue {
  const checked = COLLECTION[kind].safeParse(held);
  if (checked.success) return checked.data;
  return refuse(`has ${key} that is not ${kind === 'keyed' ? 'an object' : 'an array'} (found ${describe(held)})`);
}

function readJournalRecords(listed: unknown, refuse: (problem: string) => never): Record<string, JournalRecord> {
  if (listed === undefined) return {};
  const list = PLAIN_OBJECT.safeParse(listed);
  if (!list.success) return refuse(`has "${JOURNALS_KEY}" that is not an object (found ${describe(listed)})`);
  const records: Record<string, JournalRecord> = {};
  for (const [collection, record] of Object.entries(list.data)) {
    const checked = JOURNAL_RECORD.safeParse(record);
    if (!checked.success) {
      return refuse(`lists the journal of "${collection}" as ${JSON.stringify(record)}, which is not a kind ("keyed" or "append-only"), a .jsonl file name in the same folder and a byte count`);
    }
    const { kind, file, bytes, checksum } = checked.data;
    if (checksum !== undefined && checksum !== JOURNAL_CHECKSUM) {
      refuse(`lists the journal of "${collection}" with checksum ${JSON.stringify(checksum)}, but this version of the bot knows only "${JOURNAL_CHECKSUM}" (or none, in a journal written before checksums)`);
    }
    records[collection] = { kind, file, bytes, ...(checksum === undefined ? {} : { checksum: JOURNAL_CHECKSUM }) };
  }
  return records;
}

/** The journal file of a collection, beside the state file: state.json → state.links.3.jsonl. */
export function journalFileName(stateFile: string, collection: string, generation: number): string {
  return `${stateFileStem(stateFile)}.${collection}.${generation}.jsonl`;
}

/** The generation in a journal's file name, or undefined if the name is not one of this state file's journals. */
export function journalGeneration(stateFile: string, collection: string, fileName: string): number | undefined {
  const prefix = `${stateFileStem(stateFile)}.${collection}.`;
  if (!fileName.startsWith(prefix) || !fileName.endsWith('.jsonl')) return undefined;
  const generation = fileName.slice(prefix.length, -'.jsonl'.length);
  return /^\d+$/.test(generation) ? Number(generation) : undefined;
}

/**
 * Whether a file name is one of this state file's: a journal of any collection and generation
 * (state.<collection>.<n>.jsonl) or the notification archive (state.notifications.jsonl).
 */
export function isStateFileCompanion(stateFile: string, fileName: string): boolean {
  const stem = stateFileStem(stateFile);
  if (fileName === `${stem}.notifications.jsonl`) return true;
  return journalCollection(stateFile, fileName) !== undefined;
}

/** The collection a journal-shaped file name belongs to, whether or not the state declares it. */
export function journalCollection(stateFile: string, fileName: string): string | undefined {
  const prefix = `${stateFileStem(stateFile)}.`;
  if (!fileName.startsWith(prefix) || !fileName.endsWith('.jsonl')) return undefined;
  const match = /^([^.]+)\.\d+$/.exec(fileName.slice(prefix.length, -'.jsonl'.length));
  return match?.[1];
}

function stateFileStem(stateFile: string): string {
  const name = path.basename(stateFile);
  return name.endsWith('.json') ? name.slice(0, -'.json'.length) : name;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
