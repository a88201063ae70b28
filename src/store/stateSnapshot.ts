import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withAddedKeys } from './addedKeys';
import { parseJournal } from './journalContent';
import { assertRegularJournalFile } from './regularJournalFile';
import { parseStateFile } from './stateFile';
import type { BotState } from './state';

/**
 * The whole state as saved on disk — the state file and the saved part of each journal — read
 * without the lock and without writing anything: for checks and tools beside a running bot, or after
 * one died. The bot itself opens the state with openLowdbStore. Refuses what the bot would refuse.
 */
export async function readStateSnapshot(stateFile: string): Promise<BotState> {
  const content = parseStateFile(stateFile, await fs.readFile(stateFile, 'utf8'));
  const collections: Record<string, unknown> = { ...content.inline };
  for (const [name, record] of Object.entries(content.journals)) {
    const file = path.join(path.dirname(stateFile), record.file);
    await assertRegularJournalFile(file, name);
    const bytes = await fs.readFile(file);
    collections[name] = parseJournal(file, name, record.kind, bytes.subarray(0, record.bytes).toString('utf8'), record.checksum !== undefined);
  }
  return withAddedKeys(stateFile, { links: {}, flows: {}, conversations: {}, audit: [], ...content.values, ...collections });
}
