// Draws the extension's icon, media/icon.png (128x128 RGBA): a flag on a pole under a lens, on a
// rounded dark square. Run `node scripts/makeIcon.mjs` after changing the drawing; the PNG is
// committed so packaging needs no image tools.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const size = 128;
// Each pixel is the average of samples x samples points, which smooths the edges.
const samples = 4;

const background = [31, 41, 66];
const pole = [230, 234, 240];
const flag = [63, 185, 80];
const lens = [255, 196, 61];

/** Distance from (x, y) to a rounded square filling the icon, negative inside. */
function roundedSquare(x, y) {
  const half = size / 2;
  const radius = 24;
  const qx = Math.abs(x - half) - (half - radius);
  const qy = Math.abs(y - half) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** The colour at one sample point, or null outside the icon. */
function colourAt(x, y) {
  if (roundedSquare(x, y) > 0) return null;
  // The lens: a ring with a handle towards the bottom right.
  const lensDistance = Math.hypot(x - 82, y - 80);
  if (lensDistance > 17 && lensDistance < 24) return lens;
  const alongHandle = (x - 82 + (y - 80)) / Math.SQRT2;
  const acrossHandle = (x - 82 - (y - 80)) / Math.SQRT2;
  if (alongHandle > 23 && alongHandle < 44 && Math.abs(acrossHandle) < 5) return lens;
  if (x >= 30 && x <= 36 && y >= 22 && y <= 108) return pole;
  // The cloth waves: its top and bottom edges follow the same sine.
  const wave = 5 * Math.sin(((x - 36) / 56) * 2 * Math.PI);
  if (x > 36 && x <= 96 && y >= 24 + wave && y <= 62 + wave) return flag;
  return background;
}

const pixels = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  const row = y * (size * 4 + 1);
  pixels[row] = 0; // PNG filter type: none
  for (let x = 0; x < size; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const colour = colourAt(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
        if (!colour) continue;
        sum[0] += colour[0];
        sum[1] += colour[1];
        sum[2] += colour[2];
        sum[3] += 255;
      }
    }
    const covered = sum[3] / 255;
    const offset = row + 1 + x * 4;
    for (let channel = 0; channel < 3; channel++)
      pixels[offset + channel] = covered ? Math.round(sum[channel] / covered) : 0;
    pixels[offset + 3] = Math.round(sum[3] / (samples * samples));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bits per channel
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(pixels, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const out = join(dirname(fileURLToPath(import.meta.url)), '../media/icon.png');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
