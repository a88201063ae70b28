import { crc32, inflateSync } from 'node:zlib';

/**
 * A PNG reader just large enough to check the app's icons: 8-bit greyscale, RGB, grey + alpha or
 * RGBA, not interlaced. Written here so that the check needs no image package and does not trust
 * the encoder that drew the icons.
 */

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly colorType: number;
  readonly bitDepth: number;
  /** Every pixel as red, green, blue, alpha; opaque when the file has no alpha channel. */
  pixel(x: number, y: number): readonly [number, number, number, number];
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
}

function chunksOf(file: Buffer): Chunk[] {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('This is not a PNG file: the signature is wrong.');
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const typeAndData = file.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== file.readUInt32BE(offset + 8 + length)) {
      throw new Error(`The PNG chunk at byte ${offset} has a wrong checksum.`);
    }
    chunks.push({ type: typeAndData.toString('latin1', 0, 4), data: typeAndData.subarray(4) });
    offset += 12 + length;
  }
  return chunks;
}

export function decodePng(file: Buffer): DecodedPng {
  const chunks = chunksOf(file);
  const header = chunks[0];
  if (header?.type !== 'IHDR') throw new Error('The PNG does not start with its IHDR chunk.');
  const width = header.data.readUInt32BE(0);
  const height = header.data.readUInt32BE(4);
  const bitDepth = header.data.readUInt8(8);
  const colorType = header.data.readUInt8(9);
  const interlace = header.data.readUInt8(12);
  const channels = CHANNELS[colorType];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`This reader handles 8-bit, non-interlaced, non-palette PNGs; got depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}.`);
  }
  const compressed = Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data));
  const samples = unfilter(inflateSync(compressed), width, height, channels);

  return {
    width,
    height,
    colorType,
    bitDepth,
    pixel(x: number, y: number): readonly [number, number, number, number] {
      const at = (y * width + x) * channels;
      const value = (index: number): number => samples[at + index] ?? 0;
      switch (channels) {
        case 1:
          return [value(0), value(0), value(0), 255];
        case 2:
          return [value(0), value(0), value(0), value(1)];
        case 3:
          return [value(0), value(1), value(2), 255];
        default:
          return [value(0), value(1), value(2), value(3)];
      }
    },
  };
}

/** Reverses the per-row filters (PNG spec, section 9) into plain samples. */
function unfilter(raw: Buffer, width: number, height: number, bytesPerPixel: number): Buffer {
  const stride = width * bytesPerPixel;
  if (raw.length !== height * (stride + 1)) throw new Error(`The image data holds ${raw.length} bytes; ${height * (stride + 1)} were expected.`);
  const out = Buffer.alloc(height * stride);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (stride + 1)];
    for (let column = 0; column < stride; column++) {
      const source = raw[row * (stride + 1) + 1 + column] ?? 0;
      const left = column >= bytesPerPixel ? out[row * stride + column - bytesPerPixel] ?? 0 : 0;
      const up = row > 0 ? out[(row - 1) * stride + column] ?? 0 : 0;
      const upLeft = row > 0 && column >= bytesPerPixel ? out[(row - 1) * stride + column - bytesPerPixel] ?? 0 : 0;
      out[row * stride + column] = (source + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}

function predict(filter: number | undefined, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return Math.floor((left + up) / 2);
    case 4: {
      const estimate = left + up - upLeft;
      const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
      if (toLeft <= toUp && toLeft <= toUpLeft) return left;
      return toUp <= toUpLeft ? up : upLeft;
    }
    default:
      throw new Error(`Unknown PNG row filter ${String(filter)}.`);
  }
}
