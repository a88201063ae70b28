import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryFile } from '../domain/directory';
import { CopiedDirectory, type StoredRecord } from './copiedDirectory';
import { directoryRecords } from './directoryRecords';
import { RecordFile } from './recordFile';
import { ENTRY_BYTES, RecordKeys, type RecordPlace } from './recordKeys';

/**
 * A copy of the local directory as the bot last checked it, so that a restart with the same file
 * does not check it again (at 100,000 organizations the checks took most of the start-up), and
 * indexed so that the bot answers from it on disk instead of holding the whole directory in memory
 * (at 100,000 organizations that was some 400 MB).
 *
 * The copy is one file: a header of fixed size naming what it was made from, the records of the
 * directory (directoryRecords: one JSON line each, every question answered by one record), then
 * where each record lies (RecordKeys), which is the only part kept in memory.
 *
 * It is used only when everything it names still holds: the SHA-256 of the directory file's bytes,
 * that of the code that checks a directory (this folder's modules, so a change to the rules makes
 * every copy stale), and that of everything after its header, so a copy damaged on disk is never
 * trusted. Anything else (no copy, another version, a damaged or unreadable one) means the file is
 * checked as usual and the copy written again. Losing the copy costs time, never correctness.
 */

interface CopyHeader {
  readonly format: typeof FORMAT;
  readonly source: string;
  readonly checker: string;
  /** The SHA-256 of everything after the header. */
  readonly body: string;
  readonly records: number;
  /** Where the record places begin. */
  readonly keysAt: number;
}

const FORMAT = 'checked-directory/2';
const HEADER_BYTES = 1024;
/** Records are placed by 32-bit offsets. */
const LARGEST_COPY = 2 ** 32 - 1;
/** How much of the records, by their size on disk, stays parsed in memory. */
export const DEFAULT_CACHE_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export class CheckedCopy {
  private checker: Promise<string> | undefined;

  constructor(
    readonly file: string,
    private readonly cacheBytes: number = DEFAULT_CACHE_BYTES,
  ) {}

  /** The SHA-256 that identifies a directory file's content. */
  static hashOf(bytes: Buffer | string): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** The same hash of a file, read a piece at a time so that the file is never whole in memory. */
  static async hashOfFile(file: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** The checked directory saved for the file whose bytes hash to `source`, or undefined. */
  async open(source: string): Promise<CopiedDirectory | undefined> {
    const file = await RecordFile.open(this.file);
    if (!file) return undefined;
    const keys = await this.keysIfTrusted(file, source).catch(() => undefined);
    if (keys) return new CopiedDirectory(file, keys, this.cacheBytes);
    await file.close().catch(() => undefined);
    return undefined;
  }

  /** Saves the directory checked from the file whose bytes hash to `source`, replacing the previous copy whole. */
  async write(source: string, directory: DirectoryFile): Promise<void> {
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      const body = createHash('sha256');
      let position = HEADER_BYTES;
      const append = async (bytes: Buffer): Promise<void> => {
        if (position + bytes.length > LARGEST_COPY) throw new Error('the directory is too large for a checked copy (4 GiB at most)');
        body.update(bytes);
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
      };
      const places: (RecordPlace & { key: string })[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for (const [key, value] of directoryRecords(directory)) {
        const stored: StoredRecord = { k: key, v: value };
        const line = Buffer.from(`${JSON.stringify(stored)}\n`, 'utf8');
        places.push({ key, offset: position + pendingBytes, length: line.length - 1 });
        pending.push(line);
        pendingBytes += line.length;
        if (pendingBytes >= CHUNK_BYTES) {
          await append(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
      }
      await append(Buffer.concat(pending));
      const keysAt = position;
      await append(RecordKeys.encode(places));
      const header: CopyHeader = { format: FORMAT, source, checker: await this.checkerHash(), body: body.digest('hex'), records: places.length, keysAt };
      await handle.write(headerBytes(header), 0, HEADER_BYTES, 0);
      await handle.close();
      await rename(temporary, this.file);
    } finally {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
    }
  }

  private async keysIfTrusted(file: RecordFile, source: string): Promise<RecordKeys | undefined> {
    const header = headerOf(await file.readAt(0, HEADER_BYTES));
    if (!header || header.source !== source || header.checker !== (await this.checkerHash())) return undefined;
    const size = await file.size();
    const keysBytes = header.records * ENTRY_BYTES;
    if (header.keysAt < HEADER_BYTES || header.keysAt + keysBytes !== size) return undefined;
    const body = createHash('sha256');
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let at = HEADER_BYTES; at < size; at += CHUNK_BYTES) {
      const read = await file.readAt(at, Math.min(CHUNK_BYTES, size - at), chunk);
      body.update(read);
    }
    if (body.digest('hex') !== header.body) return undefined;
    return RecordKeys.decode(await file.readAt(header.keysAt, keysBytes));
  }

  /** The checking code's own hash: every compiled module of this folder, in name order. */
  private checkerHash(): Promise<string> {
    this.checker ??= (async () => {
      const hash = createHash('sha256');
      const names = (await readdir(__dirname)).filter((name) => name.endsWith('.js')).sort();
      for (const name of names) hash.update(name).update(await readFile(path.join(__dirname, name)));
      return hash.digest('hex');
    })();
    return this.checker;
  }
}

/** The header as JSON padded with spaces to its fixed size, ending in a newline so the copy reads as lines. */
function headerBytes(header: CopyHeader): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES, ' ');
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  json.copy(bytes);
  bytes[HEADER_BYTES - 1] = 0x0a;
  return bytes;
}

function headerOf(bytes: Buffer): CopyHeader | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { format, source, checker, body, records, keysAt } = value as Record<string, unknown>;
    if (format !== FORMAT || typeof source !== 'string' || typeof checker !== 'string' || typeof body !== 'string') return undefined;
    if (!Number.isSafeInteger(records) || !Number.isSafeInteger(keysAt)) return undefined;
    return { format, source, checker, body, records: Number(records), keysAt: Number(keysAt) };
  } catch {
    return undefined;
  }
}
