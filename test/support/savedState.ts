import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The state as saved on disk, read the way a person would: the state file, plus for each journal it
 * lists the lines up to its saved length (sets and deletes for a keyed collection, items for an
 * append-only one). Written apart from the store's own reader, so tests check the format, not the
 * store against itself.
 */
export async function readSavedState(stateFile: string): Promise<Record<string, unknown>> {
  const { journals = {}, ...state } = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown> & {
    journals?: Record<string, { kind: string; file: string; bytes: number }>;
  };
  for (const [name, journal] of Object.entries(journals)) {
    const text = (await readFile(path.join(path.dirname(stateFile), journal.file))).subarray(0, journal.bytes).toString('utf8');
    const lines = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    if (journal.kind === 'append-only') {
      state[name] = lines;
      continue;
    }
    const entries: Record<string, unknown> = {};
    for (const line of lines) {
      if (typeof line.delete === 'string') delete entries[line.delete];
      else entries[String(line.set)] = line.value;
    }
    state[name] = entries;
  }
  return state;
}
