import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ChangeSet } from './changeSet';
import { withAddedKeys } from './addedKeys';
import { errorCode, messageOf } from './errorDetails';
import { setAsideReplaced, withChecksums } from './checksumRewrite';
import { refuseOrphanedState, setAsideStrayJournals } from './filesAside';
import { Journal, type CollectionValue, type JournalRecord } from './journal';
import { StateFileError } from './port';
import { StateFileReplacer } from './stateFileReplacer';
import { StateWriteError } from '../domain/ports/store';
import { JOURNALS_KEY, journalFileName, journalGeneration, parseStateFile, type StateFileContent } from './stateFile';
import { STATE_LAYOUT, STATE_SCHEMA_VERSION, emptyState, type BotState, type CollectionKind, type StateLayout } from './state';

/**
 * The state on disk: the state file, replaced whole (temp file, then rename: StateFileReplacer) and
 * kept small, and one journal per collection that grows (STATE_LAYOUT). An update appends its
 * changed entries to the journals it touches and, at the same time, writes the state file's temp
 * file with the journals' new saved lengths (known before the appends finish); once all of them
 * are written, the rename is the moment the update is saved. A crash before it leaves the previous
 * state whole, and bytes a journal holds past its saved length are ignored.
 *
 * A keyed journal that has grown mostly out of date is compacted in the background, in slices, and
 * takes the old one's place between two updates.
 *
 * Nothing the bot cannot account for is deleted. Journals without a state file stop the start; a
 * journal-shaped file the state file does not list, and a journal replaced by its checksummed
 * rewrite, are moved into a dated folder beside them (`aside-<time>-<random>/`) with a warning.
 */

type StateFileData = Record<string, unknown>;

/** What the store lends the folder for compaction: a slot between updates. */
export interface Housekeeping {
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

export class StateFolder {
  private housekeeping: Housekeeping | undefined;
  private readonly compactions = new Map<string, Promise<void>>();
  private closed = false;
  /** Keyed collections opened without their lines, filled into the record the state holds when first asked for. */
  private readonly unread = new Map<string, { readonly journal: Journal; readonly entries: Record<string, unknown> }>();
  private reading: Promise<void> | undefined;
  /** Append-only collections held on disk only: their journal, and how much of it was saved before the start. */
  private readonly history = new Map<string, { readonly journal: Journal; readonly bytes: number }>();

  private constructor(
    private readonly stateFile: string,
    private readonly replacer: StateFileReplacer,
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
   *
   * The collections named in `readLater` are not read now. A keyed one starts as an empty record, and
   * its lines are read into that record by `readLater()` (see there). An append-only one (history)
   * starts as an empty list that holds what is added from now on, and what was saved before is read
   * from its journal when asked for (`savedBefore`). A journal written before checksums is read at once.
   * @throws StateFileError naming the file when the state cannot be read or written.
   */
  static async open(stateFile: string, warn: (message: string) => void, readLater: ReadonlySet<string> = new Set()): Promise<{ folder: StateFolder; state: BotState }> {
    const text = await readIfPresent(stateFile);
    if (text === undefined) await refuseOrphanedState(stateFile, warn);
    const content: StateFileContent =
      text === undefined ? { values: { schemaVersion: STATE_SCHEMA_VERSION }, journals: {}, inline: {} } : parseStateFile(stateFile, text);
    const folder = path.dirname(stateFile);

    const journals = new Map<string, Journal>();
    const collections: Record<string, CollectionValue> = {};
    const unread = new Map<string, { journal: Journal; entries: Record<string, unknown> }>();
    const history = new Map<string, { journal: Journal; bytes: number }>();
    try {
      for (const [name, record] of Object.entries(content.journals)) {
        if (readLater.has(name) && record.checksum !== undefined) {
          const journal = await Journal.openUnread(folder, name, record, warn);
          journals.set(name, journal);
          if (record.kind === 'keyed') {
            const entries: Record<string, unknown> = {};
            unread.set(name, { journal, entries });
            collections[name] = entries;
          } else {
            history.set(name, { journal, bytes: journal.bytes });
            collections[name] = [];
          }
          continue;
        }
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

      const opened = new StateFolder(stateFile, new StateFileReplacer(stateFile), values, journals, warn);
      for (const [name, deferred] of unread) opened.unread.set(name, deferred);
      for (const [name, held] of history) opened.history.set(name, held);
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

  /** Whether a collection's lines are still to be read by `readLater`. */
  isUnread(collection: string): boolean {
    return this.unread.has(collection);
  }

  /**
   * Reads the keyed collections opened unread into the records the state holds, once (one promise
   * for every caller). The store's repositories wait for it, so a record is never seen half filled;
   * a damaged line rejects it with a StateFileError naming the journal, which stays as it is.
   */
  readLater(): Promise<void> {
    this.reading ??= (async () => {
      for (const [name, { journal, entries }] of this.unread) {
        await journal.readSaved(entries);
        this.unread.delete(name);
      }
    })();
    return this.reading;
  }

  /**
   * What an append-only collection opened unread held before the start, read from its journal on
   * each call (the state holds what was added since); empty for the others. Throws StateFileError.
   */
  async savedBefore(collection: string): Promise<unknown[]> {
    const held = this.history.get(collection);
    return held ? held.journal.readItems(held.bytes) : [];
  }

  attach(housekeeping: Housekeeping): void {
    this.housekeeping = housekeeping;
  }

  /** Saves one update's changes to `current` (the state before them). */
  async persist(changes: ChangeSet, current: Readonly<BotState>): Promise<void> {
    const collections = current as unknown as Readonly<Record<string, unknown>>;
    const changed = [...this.journals].flatMap(([name, journal]) => {
      const entries = changes.entries.get(name);
      const appended = changes.appended.get(name);
      if (!entries && !appended) return [];
      const lines = entries ? Journal.keyedLines(entries.set, entries.removed) : Journal.appendedLines(appended ?? []);
      const existing = (collections[name] ?? {}) as Record<string, unknown>;
      const liveChange = entries
        ? [...entries.set.keys()].filter((key) => !Object.prototype.hasOwnProperty.call(existing, key)).length - entries.removed.length
        : lines.length;
      return [{ journal, lines, liveChange }];
    });
    const values = { ...this.values };
    for (const [key, value] of changes.values) {
      if (value === undefined) delete values[key];
      else values[key] = value;
    }
    const written = changed.map(({ journal, lines, liveChange }) => ({ journal, lines: lines.length, liveChange, ...journal.append(lines) }));
    const records = this.records();
    for (const { journal, end } of written) records[journal.collection] = journal.record(end);
    try {
      await this.writeStateFile(values, records, written.map(({ written: appended }) => appended));
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
    // A read under way finishes on open files; one never started has nothing to finish.
    await this.reading?.catch(() => undefined);
    await Promise.all(this.compactions.values());
    await this.replacer.close();
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

  /**
   * Replaces the state file with `values` and the journal `records`, once `alongside` (the journal
   * appends those records count) and the temp file are all written: they are written at the same
   * time, and only the rename waits for all of them. If any fails, the state file is left as it was.
   */
  private async writeStateFile(values: StateFileData, records: Record<string, JournalRecord>, alongside: readonly Promise<void>[] = []): Promise<void> {
    // Indented as lowdb wrote it, for whoever opens the file.
    const text = JSON.stringify({ ...values, [JOURNALS_KEY]: records }, null, 2);
    // Every write must have finished, failed or not, before the next save writes at the same place.
    const settled = await Promise.allSettled([...alongside, this.replacer.write(text)]);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      this.replacer.abandon();
      throw failed.reason;
    }
    await this.replacer.commit();
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

async function readIfPresent(stateFile: string): Promise<string | undefined> {
  try {
    return await fs.readFile(stateFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateFileError(`Could not read the state file ${stateFile}: ${messageOf(error)}. Check that it is a readable file.`);
  }
}
