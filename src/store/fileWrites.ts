import type { FileHandle } from 'node:fs/promises';

/**
 * Writes all of `buffer` at `position`. A write may take fewer bytes than it was given (a disk
 * nearly full, a signal); the rest is written after them, so what a caller records as written is.
 */
export async function writeAll(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    if (bytesWritten === 0) throw new Error(`The disk took none of the last ${buffer.length - done} bytes of a write.`);
    done += bytesWritten;
  }
}
