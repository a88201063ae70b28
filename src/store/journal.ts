import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeAll } from './fileWrites';
import { JournalContent } from './journalContent';
import { checkedLine, JournalEndError, linesBuffer, readLines, slices } from './journalLines';
import { StateFileError } from './port';
import { openRegularJournalFile } from './regularJournalFile';
import type { CollectionKind } from './state';

/**
 * One collection of the state kept as JSON lines in a file of its own (see STATE_LAYOUT). A change
 * is a line appended: `{"set":key,"value":...}` or `{"delete":key}` for a keyed collection, the item
 * itself for an append-only one. The state file records how many bytes of the journal are saved, so
 * bytes past that (a write cut short by a crash, or one whose state-file write failed) are not part
 * of the state: they are dropped on open and overwritten by the next write.
 *
 * Each line starts with the CRC-32 of the rest of it, as 8 hex digits and a space, so that a line
 * damaged after it was written (a bad disk, a careless edit, even one that keeps its length) stops
 * the start, naming the file and the line, instead of being read as a different change. The state
 * file says which journals carry checksums (`checksum: "crc32"`); one written before they existed is
 * read as it is and rewritten with them when the state is opened.
 */

/** What the state file records about a journal. */
export interface JournalRecord {
  readonly kind: CollectionKind;
  /** The file's name, in the state file's folder. */
  readonly file: string;
  /** How many bytes of it are saved state. */
  readonly bytes: number;
  /** Present when every line starts with its checksum; absent in a journal written before checksums. */
  readonly checksum?: JournalChecksum;
}

export type JournalChecksum = 'crc32';
export const JOURNAL_CHECKSUM: JournalChecksum = 'crc32';

export type CollectionValue = Record<string, unknown> | unknown[];

/** A keyed journal is rewritten once its lines outnumber twice its live entries by this much. */
const COMPACT_AFTER_EXTRA_LINES = 1000;
/** Lines written between two turns of the event loop. */
const SLICE_LINES = 1000;

export class Journal {
  private constructor(
    readonly collection: string,
    readonly kind: CollectionKind,
    readonly folder: string,
    private fileName: string,
    private handle: FileHandle,
    private savedBytes: number,
    /** Lines in the saved part, and live entries: together they say when compaction pays. */
    private lineCount: number,
    private liveCount: number,
    /** Whether its lines carry checksums; false only for a journal written before they existed. */
    readonly checksummed: boolean,
  ) {}

  get file(): string {
    return this.fileName;
  }

  get path(): string {
    return path.join(this.folder, this.fileName);
  }

  get bytes(): number {
    return this.savedBytes;
  }

  get lines(): number {
    return this.lineCount;
  }

  record(bytes = this.savedBytes): JournalRecord {
    return { kind: this.kind, file: this.fileName, bytes, ...(this.checksummed ? { checksum: JOURNAL_CHECKSUM } : {}) };
  }

  /**
   * Reads the saved part of a journal.
   * @throws StateFileError naming the journal when it is missing, not a regular file (a symbolic
   *   link, a folder), shorter than recorded, or has a line that is damaged or is not what this
   *   collection holds.
   */
  static async open(folder: string, collection: string, record: JournalRecord, warn: (message: string) => void): Promise<{ journal: Journal; value: CollectionValue }> {
    const journal = await Journal.openUnread(folder, collection, record, warn);
    try {
      return { journal, value: await journal.readSaved() };
    } catch (error) {
      await journal.close();
      throw error;
    }
  }

  /**
   * Opens a journal without reading its lines yet (see `readSaved`): the file is checked and a write
   * cut short is dropped, as on `open`, but a damaged line is found only when the lines are read.
   * @throws StateFileError naming the journal when it is missing, not a regular file, or shorter than recorded.
   */
  static async openUnread(folder: string, collection: string, record: JournalRecord, warn: (message: string) => void): Promise<Journal> {
    const file = path.join(folder, record.file);
    const handle = await openRegularJournalFile(file, collection);
    try {
      const { size } = await handle.stat();
      if (size < record.bytes) {
        throw new StateFileError(
          `The journal ${file} of the state's "${collection}" holds ${size} bytes, but ${record.bytes} were saved: it was cut short. ` +
            'Restore the folder from a backup.',
        );
      }
      if (size > record.bytes) {
        warn(`The journal ${file} ends with ${size - record.bytes} bytes of a write that was never completed; they are dropped.`);
        await handle.truncate(record.bytes);
      }
      return new Journal(collection, record.kind, folder, record.file, handle, record.bytes, 0, 0, record.checksum !== undefined);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Reads the saved lines into the collection they describe (for a keyed journal, into `entries`
   * when given: a record the state already holds), and counts them for compaction. Nothing may be
   * written to the journal meanwhile.
   * @throws StateFileError naming the journal and the line when a line is damaged or is not what
   *   this collection holds.
   */
  async readSaved(entries?: Record<string, unknown>): Promise<CollectionValue> {
    const { value, lines, live } = await this.readContent(this.savedBytes, entries);
    this.lineCount = lines;
    this.liveCount = live;
    return value;
  }

  /**
   * The items of an append-only journal in its first `upTo` saved bytes (those saved before some
   * point), read from the file while lines are appended after them.
   * @throws StateFileError naming the journal and the line when a line is damaged.
   */
  async readItems(upTo: number): Promise<unknown[]> {
    const { value } = await this.readContent(upTo);
    return Array.isArray(value) ? value : Object.values(value);
  }

  private async readContent(upTo: number, entries?: Record<string, unknown>): Promise<{ value: CollectionValue; lines: number; live: number }> {
    // Read a slice at a time: a whole journal as one string, split, is several times its size in memory at once.
    const content = new JournalContent(this.path, this.collection, this.kind, this.checksummed, entries);
    try {
      for await (const lines of readLines(this.handle, upTo)) content.add(lines);
    } catch (error) {
      if (!(error instanceof JournalEndError)) throw error;
      throw new StateFileError(`The journal ${this.path} of the state's "${this.collection}" does not end where the state file says a line ended. Restore the folder from a backup.`);
    }
    return content.finish();
  }

  /**
   * Writes a new journal holding `value` (a collection moving out of the state file, or a new one).
   * Nothing refers to it until the caller records it in the state file.
   */
  static async create(folder: string, fileName: string, collection: string, kind: CollectionKind, value: CollectionValue): Promise<Journal> {
    const lines = Array.isArray(value) ? Journal.appendedLines(value) : Journal.keyedLines(new Map(Object.entries(value)), []);
    return Journal.written(folder, fileName, collection, kind, slices(lines, SLICE_LINES), lines.length, true);
  }

  /**
   * Writes a new journal with one line per live entry of this one's first `upTo` saved bytes. It
   * reads and writes in slices, so the event loop is never held for long however big the
   * collection is, and it reads only the file: updates go on meanwhile, and the lines they add
   * after `upTo` are carried over when the new journal takes this one's place.
   */
  async compactInto(fileName: string, upTo: number): Promise<Journal> {
    const latest = new Map<string, string>();
    let lineNumber = 0;
    for await (const lines of readLines(this.handle, upTo)) {
      for (const saved of lines) {
        lineNumber++;
        const line = this.checksummed ? checkedLine(saved) : saved;
        if (line === undefined) throw new Error(`Line ${lineNumber} of ${this.path} does not match its checksum.`);
        const change = JSON.parse(line) as { set?: string; delete?: string };
        if (typeof change.delete === 'string') latest.delete(change.delete);
        else if (typeof change.set === 'string') latest.set(change.set, line);
        else throw new Error(`Line ${lineNumber} of ${this.path} is not a change of a keyed collection.`);
      }
    }
    // The lines updates add meanwhile are carried over as they are, so the new journal keeps this one's format.
    return Journal.written(this.folder, fileName, this.collection, this.kind, slices(latest.values(), SLICE_LINES), latest.size, this.checksummed);
  }

  private static async written(
    folder: string,
    fileName: string,
    collection: string,
    kind: CollectionKind,
    content: Iterable<string[]>,
    live: number,
    checksummed: boolean,
  ): Promise<Journal> {
    // A new file only: whatever is already at that name (a link, a file) is neither followed nor overwritten.
    const handle = await fs.open(path.join(folder, fileName), 'wx+');
    try {
      let bytes = 0;
      let lines = 0;
      for (const slice of content) {
        const buffer = linesBuffer(slice, checksummed);
        await writeAll(handle, buffer, bytes);
        bytes += buffer.length;
        lines += slice.length;
      }
      return new Journal(collection, kind, folder, fileName, handle, bytes, lines, live, checksummed);
    } catch (error) {
      await handle.close();
      await fs.rm(path.join(folder, fileName), { force: true });
      throw error;
    }
  }

  /** The lines for a change of a keyed collection. */
  static keyedLines(set: ReadonlyMap<string, unknown>, removed: readonly string[]): string[] {
    return [...removed.map((key) => JSON.stringify({ delete: key })), ...[...set].map(([key, value]) => JSON.stringify({ set: key, value }))];
  }

  static appendedLines(items: readonly unknown[]): string[] {
    return items.map((item) => JSON.stringify(item));
  }

  /**
   * Starts writing lines after the saved part, and says at once the end they will reach, so that the
   * caller can prepare the state file that records it while they are written. They become saved
   * state only when the caller records that end in the state file and calls `saved`.
   */
  append(lines: readonly string[]): { readonly end: number; readonly written: Promise<void> } {
    const buffer = linesBuffer(lines, this.checksummed);
    return { end: this.savedBytes + buffer.length, written: writeAll(this.handle, buffer, this.savedBytes) };
  }

  saved(end: number, lines: number, liveChange: number): void {
    this.savedBytes = end;
    this.lineCount += lines;
    this.liveCount += liveChange;
  }

  /** Whether rewriting this journal with only its live entries would shrink it enough to be worth it. */
  get wantsCompaction(): boolean {
    return this.kind === 'keyed' && this.lineCount > 2 * this.liveCount + COMPACT_AFTER_EXTRA_LINES;
  }

  /** Reads saved bytes from `start` to the end of the saved part: the lines a compaction must carry over. */
  async readFrom(start: number): Promise<Buffer> {
    const length = this.savedBytes - start;
    const buffer = Buffer.alloc(length);
    if (length > 0) await this.handle.read(buffer, 0, length, start);
    return buffer;
  }

  /** Adds carried-over bytes at the end of a journal that nothing refers to yet (a compaction's new file). */
  async carryOver(bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    await writeAll(this.handle, bytes, this.savedBytes);
    let lines = 0;
    for (const byte of bytes) if (byte === 0x0a) lines++;
    this.savedBytes += bytes.length;
    this.lineCount += lines;
  }

  get live(): number {
    return this.liveCount;
  }

  /** For a compaction's new journal, taking over: the live entries are the old journal's, updates included. */
  takeLiveCount(from: Journal): void {
    this.liveCount = from.liveCount;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Closes and deletes the file: for a journal the state file no longer refers to. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fs.rm(this.path, { force: true });
  }
}
