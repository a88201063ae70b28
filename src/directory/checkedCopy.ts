import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryFile } from '../domain/directory';

/**
 * A copy of the local directory as the bot last checked it, so that a restart with the same file
 * does not check it again (at 100,000 organizations the checks took most of the start-up). The copy
 * is one file: a first line naming what it was made from, then the checked directory as JSON.
 *
 * It is used only when everything it names still holds: the SHA-256 of the directory file's bytes,
 * that of the code that checks a directory (this folder's modules, so a change to the rules makes
 * every copy stale), and that of its own body, so a copy damaged on disk is never trusted. Anything
 * else (no copy, another version, a damaged or unreadable one) means the file is checked as usual
 * and the copy written again. Losing the copy costs time, never correctness.
 */

interface CopyHeader {
  readonly format: typeof FORMAT;
  readonly source: string;
  readonly checker: string;
  readonly body: string;
}

const FORMAT = 'checked-directory/1';

export class CheckedCopy {
  private checker: Promise<string> | undefined;

  constructor(readonly file: string) {}

  /** The SHA-256 that identifies a directory file's content. */
  static hashOf(bytes: Buffer | string): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** The checked directory saved for the file whose bytes hash to `source`, or undefined. */
  async read(source: string): Promise<DirectoryFile | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch {
      return undefined;
    }
    const end = bytes.indexOf(0x0a);
    if (end < 0) return undefined;
    const header = headerOf(bytes.subarray(0, end).toString('utf8'));
    if (!header || header.source !== source || header.checker !== (await this.checkerHash())) return undefined;
    const body = bytes.subarray(end + 1);
    if (CheckedCopy.hashOf(body) !== header.body) return undefined;
    try {
      return JSON.parse(body.toString('utf8')) as DirectoryFile;
    } catch {
      return undefined;
    }
  }

  /** Saves the directory checked from the file whose bytes hash to `source`, replacing the previous copy whole. */
  async write(source: string, directory: DirectoryFile): Promise<void> {
    const body = Buffer.from(JSON.stringify(directory), 'utf8');
    const header: CopyHeader = { format: FORMAT, source, checker: await this.checkerHash(), body: CheckedCopy.hashOf(body) };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]));
      await rename(temporary, this.file);
    } finally {
      await rm(temporary, { force: true });
    }
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

function headerOf(line: string): CopyHeader | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const { format, source, checker, body } = value as Record<string, unknown>;
    if (format !== FORMAT || typeof source !== 'string' || typeof checker !== 'string' || typeof body !== 'string') return undefined;
    return { format, source, checker, body };
  } catch {
    return undefined;
  }
}
