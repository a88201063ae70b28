import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

interface JournalEntry {
  readonly kind: string;
  readonly file: string;
  readonly bytes: number;
  /** "crc32": each line is its JSON's CRC-32 in 8 hex digits, a space, and the JSON. */
  readonly checksum?: string;
}

/** The JSON of a saved line, its checksum checked when the journal carries them. */
function lineJson(journal: JournalEntry, line: string): string {
  if (journal.checksum === undefined) return line;
  const json = line.slice(9);
  const expected = crc32(json).toString(16).padStart(8, '0');
  if (line.slice(0, 9) !== `${expected} `) throw new Error(`A line of ${journal.file} does not match its checksum: ${line.slice(0, 80)}`);
  return json;
}

/**
 * The state as saved on disk, read the way a person would: the state file, plus for each journal it
 * lists the lines up to its saved length (sets and deletes for a keyed collection, items for an
 * append-only one). Written apart from the store's own reader, so tests check the format, not the
 * store against itself.
 */
export async function readSavedState(stateFile: string): Promise<Record<string, unknown>> {
  return assemble(await readFile(stateFile, 'utf8'), (journal) => readFile(path.join(path.dirname(stateFile), journal)));
}

/** The same, synchronously, for harnesses that read the state between steps. */
export function readSavedStateSync(stateFile: string): Record<string, unknown> {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown> & { journals?: Record<string, JournalEntry> };
  const { journals = {}, ...rest } = state;
  for (const [name, journal] of Object.entries(journals)) {
    rest[name] = collection(journal, readFileSync(path.join(path.dirname(stateFile), journal.file)));
  }
  return rest;
}

async function assemble(text: string, readJournal: (file: string) => Promise<Buffer>): Promise<Record<string, unknown>> {
  const { journals = {}, ...state } = JSON.parse(text) as Record<string, unknown> & { journals?: Record<string, JournalEntry> };
  for (const [name, journal] of Object.entries(journals)) state[name] = collection(journal, await readJournal(journal.file));
  return state;
}

function collection(journal: JournalEntry, content: Buffer): unknown {
  const lines = content
    .subarray(0, journal.bytes)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(lineJson(journal, line)) as Record<string, unknown>);
  if (journal.kind === 'append-only') return lines;
  const entries: Record<string, unknown> = {};
  for (const line of lines) {
    if (typeof line.delete === 'string') delete entries[line.delete];
    else entries[String(line.set)] = line.value;
  }
  return entries;
}
