import { close, fstat, open, read } from 'node:fs';
import { promisify } from 'node:util';

/**
 * Reads at given places of a file held open by its descriptor. The descriptor is closed once the
 * object that owns it is collected: answers may still be on their way from a version of the
 * directory that has just been replaced, so there is no moment at which closing it is known to be safe.
 */

const openFile = promisify(open);
const readFile = promisify(read);
const statFile = promisify(fstat);
const closeFile = promisify(close);

const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  close(fd, () => undefined);
});

export class RecordFile {
  private constructor(private readonly fd: number) {
    closeWhenCollected.register(this, fd, this);
  }

  /** Undefined when the file does not exist or cannot be opened. */
  static async open(file: string): Promise<RecordFile | undefined> {
    try {
      return new RecordFile(await openFile(file, 'r'));
    } catch {
      return undefined;
    }
  }

  async size(): Promise<number> {
    return (await statFile(this.fd)).size;
  }

  /** Exactly `length` bytes from `position`, or fewer where the file ends. */
  async readAt(position: number, length: number, into: Buffer = Buffer.allocUnsafe(length)): Promise<Buffer> {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await readFile(this.fd, into, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return into.subarray(0, filled);
  }

  /** For a file that turned out not to be usable: its descriptor need not wait for the collector. */
  async close(): Promise<void> {
    closeWhenCollected.unregister(this);
    await closeFile(this.fd);
  }
}
