import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { setEntry } from './draft';
import { errorCode, messageOf } from './errorDetails';
import { StateFileError } from './port';
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
/** Lines written, and bytes read, between two turns of the event loop. */
const SLICE_LINES = 1000;
const READ_SLICE_BYTES = 256 * 1024;

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
    const file = path.join(folder, record.file);
    await assertRegularJournalFile(file, collection);
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: a link put in the file's place after the check above is refused, not followed.
      handle = await fs.open(file, fsConstants.O_RDWR | NO_FOLLOW);
    } catch (error) {
      throw new StateFileError(
        `The journal ${file} of the state's "${collection}" cannot be opened (${describeOpenError(error)}). ` +
          'The state file refers to it, so the state is incomplete without it: restore the folder from a backup.',
      );
    }
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
      // Read a slice at a time: a whole journal as one string, split, is several times its size in memory at once.
      const checksummed = record.checksum !== undefined;
      const content = new JournalContent(file, collection, record.kind, checksummed);
      try {
        for await (const lines of readLines(handle, record.bytes)) content.add(lines);
      } catch (error) {
        if (!(error instanceof JournalEndError)) throw error;
        throw new StateFileError(`The journal ${file} of the state's "${collection}" does not end where the state file says a line ended. Restore the folder from a backup.`);
      }
      const { value, lines, live } = content.finish();
      return { journal: new Journal(collection, record.kind, folder, record.file, handle, record.bytes, lines, live, checksummed), value };
    } catch (error) {
      await handle.close();
      throw error;
    }
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
        await handle.write(buffer, 0, buffer.length, bytes);
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
   * Writes lines after the saved part and returns the end they reach. They become saved state only
   * when the caller records that end in the state file and calls `saved`.
   */
  async write(lines: readonly string[]): Promise<number> {
    const buffer = linesBuffer(lines, this.checksummed);
    await this.handle.write(buffer, 0, buffer.length, this.savedBytes);
    return this.savedBytes + buffer.length;
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
    await this.handle.write(bytes, 0, bytes.length, this.savedBytes);
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

/**
 * The collection a journal's saved text describes, for readers that must not touch the file (a
 * snapshot beside a running bot).
 * @throws StateFileError naming the journal when a line is not what this collection holds.
 */
export function parseJournal(file: string, collection: string, kind: CollectionKind, text: string, checksummed: boolean): CollectionValue {
  const content = new JournalContent(file, collection, kind, checksummed);
  if (text !== '' && !text.endsWith('\n')) {
    throw new StateFileError(`The journal ${file} of the state's "${collection}" does not end where the state file says a line ended. Restore the folder from a backup.`);
  }
  content.add(text.split('\n').slice(0, -1));
  return content.finish().value;
}

const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;

/**
 * Refuses a journal that is not a regular file in the state's folder: a symbolic link would make the
 * bot read, and append to, a file elsewhere that whoever placed the link chose.
 */
export async function assertRegularJournalFile(file: string, collection: string): Promise<void> {
  let stats;
  try {
    stats = await fs.lstat(file);
  } catch (error) {
    throw new StateFileError(
      `The journal ${file} of the state's "${collection}" cannot be opened (${describeOpenError(error)}). ` +
        'The state file refers to it, so the state is incomplete without it: restore the folder from a backup.',
    );
  }
  if (stats.isFile()) return;
  if (stats.isSymbolicLink()) {
    const target = await fs.readlink(file).catch(() => undefined);
    throw new StateFileError(
      `The journal ${file} of the state's "${collection}" is a symbolic link${target === undefined ? '' : ` to ${target}`}, not a file. ` +
        'The bot reads and writes its journals only as regular files inside the state\'s folder, so it did not start and changed nothing: ' +
        'put the file itself in place of the link (for example with cp --remove-destination), or restore the folder from a backup.',
    );
  }
  throw new StateFileError(
    `The journal ${file} of the state's "${collection}" is not a regular file (it is ${stats.isDirectory() ? 'a folder' : 'a special file'}). ` +
      'The bot did not start and changed nothing: restore the folder from a backup.',
  );
}

function describeOpenError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'ELOOP') return 'it was replaced by a symbolic link';
  return messageOf(error);
}

/** The 8 hex digits a line starts with: the CRC-32 of its JSON, in UTF-8. */
function checksumOf(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The JSON of a saved line whose checksum matches, or undefined. */
function checkedLine(saved: string): string | undefined {
  if (saved.length < 10 || saved.charCodeAt(8) !== 0x20) return undefined;
  const json = saved.slice(9);
  return saved.slice(0, 8) === checksumOf(json) ? json : undefined;
}

function linesBuffer(lines: readonly string[], checksummed: boolean): Buffer {
  const text = checksummed ? lines.map((line) => `${checksumOf(line)} ${line}\n`).join('') : lines.map((line) => `${line}\n`).join('');
  return Buffer.from(text, 'utf8');
}

function* slices(lines: Iterable<string>, size: number): Generator<string[]> {
  let slice: string[] = [];
  for (const line of lines) {
    slice.push(line);
    if (slice.length === size) {
      yield slice;
      slice = [];
    }
  }
  if (slice.length > 0) yield slice;
}

/**
 * The lines of a journal's first `upTo` bytes, a slice at a time.
 * @throws JournalEndError when those bytes do not end with a whole line.
 */
async function* readLines(handle: FileHandle, upTo: number): AsyncGenerator<string[]> {
  let position = 0;
  let partial = '';
  const buffer = Buffer.alloc(READ_SLICE_BYTES);
  while (position < upTo) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, upTo - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const text = partial + buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    if (end >= 0) yield text.slice(0, end).split('\n');
  }
  if (partial !== '') throw new JournalEndError();
}

class JournalEndError extends Error {
  constructor() {
    super('The saved part of the journal does not end with a whole line.');
  }
}

/** A journal's lines folded into the collection they describe, as they are read. */
class JournalContent {
  private readonly items: unknown[] = [];
  private readonly entries: Record<string, unknown> = {};
  private lineCount = 0;

  constructor(
    private readonly file: string,
    private readonly collection: string,
    private readonly kind: CollectionKind,
    private readonly checksummed: boolean,
  ) {}

  add(lines: readonly string[]): void {
    for (const saved of lines) {
      this.apply(this.parse(this.checksummed ? this.checked(saved) : saved));
      this.lineCount++;
    }
  }

  private checked(saved: string): string {
    const json = checkedLine(saved);
    if (json !== undefined) return json;
    throw this.bad(
      /^[0-9a-f]{8} /.test(saved)
        ? 'does not match its checksum: it was changed or damaged after the bot wrote it'
        : 'does not start with a checksum, as every line of this journal must: it was changed or damaged after the bot wrote it',
    );
  }

  private apply(change: unknown): void {
    if (this.kind === 'append-only') {
      this.items.push(change);
      return;
    }
    if (typeof change === 'object' && change !== null && !Array.isArray(change)) {
      const { set, value, delete: removed } = change as Record<string, unknown>;
      if (typeof set === 'string' && value !== undefined) {
        setEntry(this.entries, set, value);
        return;
      }
      if (typeof removed === 'string') {
        delete this.entries[removed];
        return;
      }
    }
    throw this.bad('is neither {"set":key,"value":...} nor {"delete":key}');
  }

  finish(): { value: CollectionValue; lines: number; live: number } {
    if (this.kind === 'append-only') return { value: this.items, lines: this.lineCount, live: this.items.length };
    return { value: this.entries, lines: this.lineCount, live: Object.keys(this.entries).length };
  }

  private parse(line: string): unknown {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw this.bad(`is not valid JSON (${messageOf(error)})`);
    }
  }

  private bad(why: string): StateFileError {
    return new StateFileError(
      `Line ${this.lineCount + 1} of the journal ${this.file} of the state's "${this.collection}" ${why}. ` +
        'The bot did not start and left the file untouched: restore the folder from a backup.',
    );
  }
}
