import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

interface JournalEntry {
  readonly kind: string;
  readonly file: string;
  readonly bytes: number;
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
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  if (journal.kind === 'append-only') return lines;
  const entries: Record<string, unknown> = {};
  for (const line of lines) {
    if (typeof line.delete === 'string') delete entries[line.delete];
    else entries[String(line.set)] = line.value;
  }
  return entries;
}
