import { constants as fsConstants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { writeAll } from './fileWrites';

const NO_FOLLOW = fsConstants.O_NOFOLLOW ?? 0;
/** A new, empty temp file: whatever an earlier run left at its name is emptied, and a link there is refused, not followed. */
const EMPTY_TEMP = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | NO_FOLLOW;

/**
 * Replaces the state file whole and atomically, as steno does: the new text goes to a temp file
 * beside it (the same `.<name>.tmp`), which a rename then puts in its place, so a crash at any
 * point leaves the old file or the new one, never part of one. No fsync, as with steno.
 *
 * Unlike steno's writeFile (open, write, close, then rename: four trips through libuv's thread pool
 * one after another), the temp file for the next save is opened as soon as a save has been renamed
 * into place, and the handle of that save is closed after its rename. A save then waits for one
 * write, which the caller can run beside its other writes (`write`), and the rename (`commit`).
 *
 * One writer, one save at a time: `write`, then `commit` or `abandon`.
 */
export class StateFileReplacer {
  private readonly temp: string;
  /** The temp file opened ahead for the next save (empty), if any. */
  private spare: Promise<FileHandle> | undefined;
  /** The temp file holding a written save, until it is renamed or abandoned. */
  private staged: FileHandle | undefined;
  /** Opens and closes run after a save returns; `close` waits for them. */
  private readonly background = new Set<Promise<unknown>>();

  constructor(readonly file: string) {
    this.temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  }

  /** Writes `text` into the temp file; the state file is untouched until `commit`. */
  async write(text: string): Promise<void> {
    const opening = this.spare ?? this.openTemp();
    this.spare = undefined;
    const handle = await opening;
    this.staged = handle;
    await writeAll(handle, Buffer.from(text, 'utf8'), 0);
  }

  /** Renames the written temp file into place: the moment the save is made. */
  async commit(): Promise<void> {
    const handle = this.staged;
    if (!handle) throw new Error(`Nothing was written to replace ${this.file} with.`);
    this.staged = undefined;
    try {
      // The handle may stay open across the rename: it follows the file, and only the name moves.
      await fs.rename(this.temp, this.file);
    } finally {
      this.inBackground(handle.close());
    }
    // Only now: opened earlier, it would empty the file the rename was about to put in place.
    this.spare = this.openTemp();
    this.inBackground(this.spare);
  }

  /** Drops a written save that must not be made; the next `write` starts on an emptied temp file. */
  abandon(): void {
    const handle = this.staged;
    this.staged = undefined;
    if (handle) this.inBackground(handle.close());
  }

  /** Waits for the opens and closes under way, then closes and deletes the temp file opened ahead. */
  async close(): Promise<void> {
    this.abandon();
    const spare = this.spare;
    this.spare = undefined;
    await Promise.allSettled([...this.background]);
    if (!spare) return;
    const handle = await spare.catch(() => undefined);
    if (!handle) return;
    await handle.close().catch(() => undefined);
    await fs.rm(this.temp, { force: true });
  }

  private openTemp(): Promise<FileHandle> {
    return fs.open(this.temp, EMPTY_TEMP);
  }

  /** Keeps a promise that nobody awaits now from being an unhandled rejection, and lets `close` wait for it. */
  private inBackground(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.background.add(settled);
    void settled.then(() => this.background.delete(settled));
  }
}
