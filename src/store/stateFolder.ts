import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChangeSet } from './draft';
import { withAddedKeys } from './addedKeys';
import { errorCode, messageOf } from './errorDetails';
import { Journal, type CollectionValue, type JournalRecord } from './journal';
import { StateFileError } from './port';
import { StateWriteError } from '../domain/ports/store';
import { JOURNALS_KEY, isStateFileCompanion, journalCollection, journalFileName, journalGeneration, parseStateFile, type StateFileContent } from './stateFile';
import { STATE_LAYOUT, STATE_SCHEMA_VERSION, emptyState, type BotState, type CollectionKind, type StateLayout } from './state';

/**
 * The state on disk: the state file, written whole by lowdb (through steno: temp file, then rename)
 * and kept small, and one journal per collection that grows (STATE_LAYOUT). An update appends its
 * changed entries to the journals it touches, then rewrites the state file with the journals' new
 * saved lengths: that rename is the moment the update is saved, so a crash before it leaves the
 * previous state whole, and bytes a journal holds past its saved length are ignored.
 *
 * A keyed journal that has grown mostly out of date is compacted in the background, in slices, and
 * takes the old one's place between two updates.
 *
 * Nothing the bot cannot account for is deleted. Journals without a state file stop the start; a
 * journal-shaped file the state file does not list, and a journal replaced by its checksummed
 * rewrite, are moved into a dated folder beside them (`aside-<time>-<random>/`) with a warning.
 */

type StateFileData = Record<string, unknown>;

/** What the folder uses of a lowdb database on the state file. */
interface StateFileWriter {
  data: StateFileData;
  write(): Promise<void>;
}

/** What the store lends the folder for compaction: a slot between updates. */
export interface Housekeeping {
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

export class StateFolder {
  private housekeeping: Housekeeping | undefined;
  private readonly compactions = new Map<string, Promise<void>>();
  private closed = false;

  private constructor(
    private readonly stateFile: string,
    private readonly db: StateFileWriter,
    /** What the state file holds besides the journal list, as last saved. */
    private values: StateFileData,
    private readonly journals: Map<string, Journal>,
    private readonly warn: (message: string) => void,
  ) {}

  /** Every journaled collection, the declared ones and any an earlier run left journaled. */
  get layout(): StateLayout {
    return Object.fromEntries([...this.journals].map(([name, journal]) => [name, journal.kind]));
  }

  /**
   * Reads the state file and its journals, moving collections the file still holds inline (a file
   * written before journals, or a collection newly declared) into journals of their own. A new
   * state starts empty.
   * @throws StateFileError naming the file when the state cannot be read or written.
   */
  static async open(stateFile: string, warn: (message: string) => void): Promise<{ folder: StateFolder; state: BotState }> {
    const text = await readIfPresent(stateFile);
    if (text === undefined) await refuseOrphanedState(stateFile, warn);
    const content: StateFileContent =
      text === undefined ? { values: { schemaVersion: STATE_SCHEMA_VERSION }, journals: {}, inline: {} } : parseStateFile(stateFile, text);
    const folder = path.dirname(stateFile);

    const journals = new Map<string, Journal>();
    const collections: Record<string, CollectionValue> = {};
    try {
      for (const [name, record] of Object.entries(content.journals)) {
        const { journal, value } = await Journal.open(folder, name, record, warn);
        journals.set(name, journal);
        collections[name] = value;
      }
      // Checked before anything is written, so that a state the bot refuses is left as it was.
      const loaded = withAddedKeys(stateFile, { ...content.values, ...content.inline, ...collections });
      // The small values with their defaults, so that the next write saves a key added since the file was written.
      const values = Object.fromEntries(Object.entries(loaded).filter(([key]) => !(key in STATE_LAYOUT) && !(key in content.journals)));
      await setAsideStrayJournals(stateFile, content.journals, warn);

      const moving = collectionsToJournal(content);
      for (const [name, { kind, value }] of moving) {
        journals.set(name, await Journal.create(folder, journalFileName(stateFile, name, 1), name, kind, value));
        collections[name] = value;
      }
      const converted = await withChecksums(stateFile, journals, collections, warn);

      const { Low } = await import('lowdb');
      const { JSONFile } = await import('lowdb/node');
      const db = new Low<StateFileData>(new JSONFile<StateFileData>(stateFile), {});
      const opened = new StateFolder(stateFile, db, values, journals, warn);
      if (text === undefined || moving.size > 0 || converted.size > 0) {
        try {
          await opened.writeStateFile(values, opened.records());
        } catch (error) {
          for (const name of [...moving.keys(), ...converted.keys()]) await journals.get(name)?.discard();
          if (moving.size === 0 && text !== undefined) {
            // Only the rewrite with checksums failed: the journals as they were still serve.
            for (const [name, old] of converted) journals.set(name, old);
            warn(`Could not record the journals rewritten with checksums in ${stateFile} (${messageOf(error)}); the bot goes on with the journals as they were and tries again at the next start.`);
            return { folder: opened, state: { ...loaded, ...collections } as unknown as BotState };
          }
          for (const old of converted.values()) await old.close().catch(() => undefined);
          const what = text === undefined ? 'create the state file' : 'move the growing collections of the state file into journals beside it';
          throw new StateFileError(`Could not ${what} ${stateFile}: ${messageOf(error)}. Check that its folder is writable and has free space.`);
        }
        if (converted.size > 0) await setAsideReplaced(stateFile, [...converted.values()], warn);
      }
      // parseStateFile checked the schema version and the required collections, and every declared one is loaded.
      return { folder: opened, state: { ...loaded, ...collections } as unknown as BotState };
    } catch (error) {
      await Promise.all([...journals.values()].map((journal) => journal.close().catch(() => undefined)));
      throw error;
    }
  }

  attach(housekeeping: Housekeeping): void {
    this.housekeeping = housekeeping;
  }

  /** Saves one update's changes to `current` (the state before them). */
  async persist(changes: ChangeSet, current: Readonly<BotState>): Promise<void> {
    const collections = current as unknown as Readonly<Record<string, unknown>>;
    const written: { journal: Journal; end: number; lines: number; liveChange: number }[] = [];
    try {
      const writes = [...this.journals].flatMap(([name, journal]) => {
        const entries = changes.entries.get(name);
        const appended = changes.appended.get(name);
        if (!entries && !appended) return [];
        const lines = entries ? Journal.keyedLines(entries.set, entries.removed) : Journal.appendedLines(appended ?? []);
        const existing = (collections[name] ?? {}) as Record<string, unknown>;
        const liveChange = entries
          ? [...entries.set.keys()].filter((key) => !Object.prototype.hasOwnProperty.call(existing, key)).length - entries.removed.length
          : lines.length;
        return [journal.write(lines).then((end) => written.push({ journal, end, lines: lines.length, liveChange }))];
      });
      // Every write must have finished, failed or not, before the next save writes at the same place.
      const settled = await Promise.allSettled(writes);
      const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      const values = { ...this.values };
      for (const [key, value] of changes.values) {
        if (value === undefined) delete values[key];
        else values[key] = value;
      }
      const records = this.records();
      for (const { journal, end } of written) records[journal.collection] = journal.record(end);
      await this.writeStateFile(values, records);
      this.values = values;
    } catch (error) {
      throw new StateWriteError(this.stateFile, error);
    }
    for (const { journal, end, lines, liveChange } of written) {
      journal.saved(end, lines, liveChange);
      if (journal.wantsCompaction) this.compactSoon(journal.collection);
    }
  }

  /** Waits for running compactions, then closes the journals. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.compactions.values());
    await Promise.all([...this.journals.values()].map((journal) => journal.close()));
  }

  /** Starts compacting a journal unless that is already under way; failures are reported, never thrown. */
  private compactSoon(name: string): void {
    if (this.compactions.has(name) || this.closed || !this.housekeeping) return;
    const running = this.compact(name, this.housekeeping)
      .catch((error: unknown) => {
        this.warn(`Compacting the journal of the state's "${name}" failed (${messageOf(error)}); the bot keeps using the current one and will try again later.`);
      })
      .finally(() => this.compactions.delete(name));
    this.compactions.set(name, running);
  }

  private async compact(name: string, housekeeping: Housekeeping): Promise<void> {
    const old = this.journals.get(name);
    if (!old) return;
    const generation = (journalGeneration(this.stateFile, name, old.file) ?? 0) + 1;
    // A point between two updates: everything saved before it is in the first `upTo` bytes.
    const upTo = await housekeeping.exclusive(async () => old.bytes);
    const fresh = await old.compactInto(journalFileName(this.stateFile, name, generation), upTo);
    try {
      await housekeeping.exclusive(async () => {
        await fresh.carryOver(await old.readFrom(upTo));
        fresh.takeLiveCount(old);
        await this.writeStateFile(this.values, { ...this.records(), [name]: fresh.record() });
        this.journals.set(name, fresh);
      });
    } catch (error) {
      await fresh.discard();
      throw error;
    }
    await old.discard();
  }

  private records(): Record<string, JournalRecord> {
    return Object.fromEntries([...this.journals].map(([name, journal]) => [name, journal.record()]));
  }

  private async writeStateFile(values: StateFileData, records: Record<string, JournalRecord>): Promise<void> {
    const previous = this.db.data;
    this.db.data = { ...values, [JOURNALS_KEY]: records };
    try {
      await this.db.write();
    } catch (error) {
      this.db.data = previous;
      throw error;
    }
  }
}

/** Collections the state file holds inline, or that no file holds yet: each goes to a journal of its own. */
function collectionsToJournal(content: StateFileContent): Map<string, { kind: CollectionKind; value: CollectionValue }> {
  const empty = emptyState() as unknown as Record<string, unknown>;
  const moving = new Map<string, { kind: CollectionKind; value: CollectionValue }>();
  for (const [name, kind] of Object.entries(STATE_LAYOUT) as [string, CollectionKind][]) {
    if (content.journals[name]) continue;
    const value = content.inline[name] ?? (empty[name] as CollectionValue | undefined) ?? (kind === 'keyed' ? {} : []);
    moving.set(name, { kind, value });
  }
  return moving;
}

/**
 * Rewrites each journal written before checksums into a new generation with them, holding what it
 * was read as (a keyed one compacted on the way). Returns the journals replaced, by collection; the
 * caller records the new ones in the state file, then sets the old ones aside. A rewrite that fails
 * leaves that journal as it was, with a warning: it is read and appended to without checksums.
 */
async function withChecksums(
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
async function setAsideReplaced(stateFile: string, replaced: readonly Journal[], warn: (message: string) => void): Promise<void> {
  await Promise.all(replaced.map((journal) => journal.close().catch(() => undefined)));
  try {
    // The state file already refers to the rewrites: what stays behind is a stray, set aside at the next start.
    await setAside(stateFile, replaced, warn, 'was written before journal lines carried checksums; the state now uses its rewrite with them', 'The bot goes on with the rewritten journals and moves it aside at the next start.');
  } catch (error) {
    warn(messageOf(error));
  }
}

/**
 * A state file that is missing while files of its state are still there is a lost or misplaced
 * state, not a new installation: starting empty would drop every link, manager, quantity, audit
 * entry and notification in them. Journals that hold nothing (an empty state's first start cut
 * short before its state file was written) are only moved aside.
 * @throws StateFileError naming the files and the way out when any of them holds something.
 */
async function refuseOrphanedState(stateFile: string, warn: (message: string) => void): Promise<void> {
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
async function setAsideStrayJournals(stateFile: string, listed: Readonly<Record<string, JournalRecord>>, warn: (message: string) => void): Promise<void> {
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
async function setAside(
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

async function readIfPresent(stateFile: string): Promise<string | undefined> {
  try {
    return await fs.readFile(stateFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateFileError(`Could not read the state file ${stateFile}: ${messageOf(error)}. Check that it is a readable file.`);
  }
}
