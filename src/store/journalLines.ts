import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * How a journal's lines are written and read back: each line is its JSON, prefixed (in a journal with
 * checksums) by the CRC-32 of that JSON as 8 hex digits and a space; files are read and written a
 * slice at a time, so that a big journal never holds the event loop for long.
 */

/** Bytes read between two turns of the event loop. */
const READ_SLICE_BYTES = 256 * 1024;

/** The 8 hex digits a line starts with: the CRC-32 of its JSON, in UTF-8. */
function checksumOf(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The JSON of a saved line whose checksum matches, or undefined. */
export function checkedLine(saved: string): string | undefined {
  if (saved.length < 10 || saved.charCodeAt(8) !== 0x20) return undefined;
  const json = saved.slice(9);
  return saved.slice(0, 8) === checksumOf(json) ? json : undefined;
}

export function linesBuffer(lines: readonly string[], checksummed: boolean): Buffer {
  const text = checksummed ? lines.map((line) => `${checksumOf(line)} ${line}\n`).join('') : lines.map((line) => `${line}\n`).join('');
  return Buffer.from(text, 'utf8');
}

export function* slices(lines: Iterable<string>, size: number): Generator<string[]> {
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
export async function* readLines(handle: FileHandle, upTo: number): AsyncGenerator<string[]> {
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

export class JournalEndError extends Error {
  constructor() {
    super('The saved part of the journal does not end with a whole line.');
  }
}
