// Draws the app's two icons (a bank card and a coin) with node's zlib alone, so that changing them
// needs no image editor and no extra package. Run from the project root:
//   node appPackage/tools/draw-icons.mjs
// Teams wants color.png 192×192 in full color and outline.png 32×32, white on transparent.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');

// ---- shapes as signed distances: negative inside, positive outside ----

function roundedRect(x, y, left, top, right, bottom, radius) {
  const halfWidth = (right - left) / 2;
  const halfHeight = (bottom - top) / 2;
  const dx = Math.abs(x - (left + right) / 2) - halfWidth + radius;
  const dy = Math.abs(y - (top + bottom) / 2) - halfHeight + radius;
  const outside = Math.hypot(Math.max(dx, 0), Math.max(dy, 0));
  return outside + Math.min(Math.max(dx, dy), 0) - radius;
}

function circle(x, y, cx, cy, radius) {
  return Math.hypot(x - cx, y - cy) - radius;
}

/** A stroke along the part of a circle whose angle (degrees, y down, 0 = right) passes `keep`. */
function arc(x, y, cx, cy, radius, width, keep) {
  const angle = (Math.atan2(y - cy, x - cx) * 180) / Math.PI;
  if (!keep(angle)) return Infinity;
  return Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
}

// ---- the colour icon: layers painted back to front, 4×4 samples a pixel for smooth edges ----

const BLUE = [0, 120, 212];
const DARK_BLUE = [0, 69, 120];
const WHITE = [255, 255, 255];
const GOLD = [255, 185, 0];
const DEEP_GOLD = [214, 140, 0];
const BROWN = [122, 78, 0];

/** The dollar sign: two half-open bowls that meet in the middle, and a bar through them. */
function dollar(x, y, cx, cy) {
  const upper = arc(x, y, cx, cy - 8, 8, 5, (angle) => angle <= -35 || angle >= 90);
  const lower = arc(x, y, cx, cy + 8, 8, 5, (angle) => angle >= -90 && angle <= 145);
  const bar = roundedRect(x, y, cx - 2, cy - 23, cx + 2, cy + 23, 1.5);
  return Math.min(upper, lower, bar);
}

function colorPixel(x, y) {
  const coin = { cx: 134, cy: 128 };
  const layers = [
    [BLUE, -1],
    [WHITE, roundedRect(x, y, 26, 44, 142, 120, 12)],
    [DARK_BLUE, Math.max(roundedRect(x, y, 26, 44, 142, 120, 12), Math.abs(y - 68) - 8)],
    [GOLD, roundedRect(x, y, 42, 88, 66, 106, 4)],
    [BLUE, circle(x, y, coin.cx, coin.cy, 44)],
    [DEEP_GOLD, circle(x, y, coin.cx, coin.cy, 38)],
    [GOLD, circle(x, y, coin.cx, coin.cy, 33)],
    [BROWN, dollar(x, y, coin.cx, coin.cy)],
  ];
  let colour = BLUE;
  for (const [paint, distance] of layers) if (distance <= 0) colour = paint;
  return colour;
}

function drawColor(size) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colorPixel(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples);
          for (let c = 0; c < 3; c++) sum[c] += colour[c];
        }
      }
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round(sum[c] / (samples * samples));
      pixels[at + 3] = 255;
    }
  }
  return pixels;
}

// ---- the outline icon: the same card and coin as strokes, each pixel fully white or fully clear ----

function outlineInk(x, y) {
  const card = roundedRect(x, y, 1, 5, 24, 21, 3);
  const cardEdge = Math.max(card, -card - 2);
  const stripe = Math.max(card, Math.abs(y - 10.5) - 1.5);
  const coin = circle(x, y, 23, 22, 8);
  const coinEdge = Math.max(coin, -coin - 2);
  const coinCentre = roundedRect(x, y, 22, 18, 24, 26, 0.5);
  const clearAroundCoin = circle(x, y, 23, 22, 10) <= 0;
  if (coinEdge <= 0 || coinCentre <= 0) return true;
  return !clearAroundCoin && (cardEdge <= 0 || stripe <= 0);
}

function drawOutline(size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      if (!outlineInk(px + 0.5, py + 0.5)) continue;
      pixels.fill(255, (py * size + px) * 4, (py * size + px) * 4 + 4);
    }
  }
  return pixels;
}

// ---- a minimal PNG encoder: 8-bit RGBA, no filtering, one IDAT chunk ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  const rowLength = size * 4;
  const raw = Buffer.alloc(size * (rowLength + 1));
  for (let row = 0; row < size; row++) rgba.copy(raw, row * (rowLength + 1) + 1, row * rowLength, (row + 1) * rowLength);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

writeFileSync(path.join(packageDir, 'color.png'), encodePng(192, drawColor(192)));
writeFileSync(path.join(packageDir, 'outline.png'), encodePng(32, drawOutline(32)));
