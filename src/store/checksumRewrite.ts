import { messageOf } from './errorDetails';
import { Journal, type CollectionValue } from './journal';
import { journalFileName, journalGeneration } from './stateFile';
import { setAside } from './filesAside';

/**
 * Rewrites each journal written before checksums into a new generation with them, holding what it
 * was read as (a keyed one compacted on the way). Returns the journals replaced, by collection; the
 * caller records the new ones in the state file, then sets the old ones aside. A rewrite that fails
 * leaves that journal as it was, with a warning: it is read and appended to without checksums.
 */
export async function withChecksums(
  stateFile: string,
  journals: Map<string, Journal>,
  collections: Readonly<Record<string, CollectionValue>>,
  warn: (message: string) => void,
): Promise<Map<string, Journal>> {
  const replaced = new Map<string, Journal>();
  for (const [name, old] of [...journals]) {
    const value = collections[name];
    if (old.checksummed || value === undefined) continue;
    const generation = (journalGeneration(stateFile, name, old.file) ?? 0) + 1;
    try {
      journals.set(name, await Journal.create(old.folder, journalFileName(stateFile, name, generation), name, old.kind, value));
      replaced.set(name, old);
    } catch (error) {
      warn(`Could not rewrite the journal ${old.path} with checksums (${messageOf(error)}); the bot goes on using it as it is and tries again at the next start.`);
    }
  }
  return replaced;
}

/** The journals the state no longer refers to after their rewrite with checksums: kept, aside, for whoever wants to check. */
export async function setAsideReplaced(stateFile: string, replaced: readonly Journal[], warn: (message: string) => void): Promise<void> {
  await Promise.all(replaced.map((journal) => journal.close().catch(() => undefined)));
  try {
    // The state file already refers to the rewrites: what stays behind is a stray, set aside at the next start.
    await setAside(stateFile, replaced, warn, 'was written before journal lines carried checksums; the state now uses its rewrite with them', 'The bot goes on with the rewritten journals and moves it aside at the next start.');
  } catch (error) {
    warn(messageOf(error));
  }
}
