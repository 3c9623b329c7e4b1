/**
 * A snapshot's screenshot for the window, as a PNG data URL. The file is what `virsh
 * screenshot` wrote at the snapshot (shared/plans/screenshot.ts): PNG where QEMU sends
 * PNG (QEMU 7.1 and later with libvirt 9.0), else PPM (P6), which browsers cannot show
 * and which is converted here once, the PNG kept beside it. Anything unreadable (no
 * screenshot, a file cut short, some other format) is no picture: null, never an error,
 * since a snapshot never fails for want of one.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, writeFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import { isUuid } from '../../../shared/libvirt/parse.js';
import { screenshotPath } from '../../../shared/plans/screenshot.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The IEND chunk every whole PNG ends with: length 0, type, CRC. */
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** Larger than any screen's PPM (8K is 100 MB): refused unread. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** A truecolour PNG (8 bits per channel, no filter) of `width` x `height` RGB pixels, row by row. */
function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
  header.set([8, 2, 0, 0, 0], 8);
  const stride = width * 3;
  const rows = Buffer.alloc((stride + 1) * height);
  // Each row starts with its filter type: 0, the bytes as they are.
  for (let y = 0; y < height; y++) rgb.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** Netpbm's whitespace: space, tab, LF, VT, FF, CR. */
const isSpace = (byte: number): boolean => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);

/**
 * A binary PPM (`P6`, maxval 255, as QEMU's screendump writes it: `P6\n720 400\n255\n`
 * then the pixels) as width, height and its RGB bytes; null for anything else, or for
 * pixels cut short.
 */
function parsePpm(file: Buffer): { width: number; height: number; rgb: Buffer } | null {
  if (file.length < 2 || file.toString('latin1', 0, 2) !== 'P6') return null;
  let at = 2;
  const fields: number[] = [];
  while (fields.length < 3) {
    const start = at;
    // Whitespace, and comments from '#' to the end of the line, separate the fields.
    while (at < file.length && (isSpace(file[at]!) || file[at] === 0x23)) {
      if (file[at] === 0x23) while (at < file.length && file[at] !== 0x0a) at++;
      else at++;
    }
    if (at === start) return null;
    const digits = at;
    while (at < file.length && file[at]! >= 0x30 && file[at]! <= 0x39) at++;
    if (at === digits || at - digits > 9) return null;
    fields.push(Number(file.toString('latin1', digits, at)));
  }
  const [width, height, maxval] = fields as [number, number, number];
  // One whitespace byte ends the header; two-byte samples (maxval over 255) are not a screen's.
  if (maxval !== 255 || width === 0 || height === 0 || at >= file.length || !isSpace(file[at]!)) return null;
  const size = width * height * 3;
  const rgb = file.subarray(at + 1);
  return rgb.length < size ? null : { width, height, rgb: rgb.subarray(0, size) };
}

/** Whether the bytes are a PNG from its signature to its IEND: not one virsh stopped writing halfway. */
function isWholePng(file: Buffer): boolean {
  return file.length >= PNG_SIGNATURE.length + 25 + PNG_END.length && file.subarray(0, 8).equals(PNG_SIGNATURE) && file.toString('latin1', 12, 16) === 'IHDR' && file.subarray(-PNG_END.length).equals(PNG_END);
}

async function readSmall(path: string): Promise<Buffer | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return size > MAX_FILE_BYTES ? null : await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** A PNG converted before, if it is newer than the screenshot (a snapshot taken again under its name has a new one). */
async function cached(pngPath: string, sourceMtimeMs: number): Promise<Buffer | null> {
  const stats = await stat(pngPath).catch(() => null);
  if (stats === null || stats.mtimeMs < sourceMtimeMs) return null;
  const png = await readSmall(pngPath);
  return png !== null && isWholePng(png) ? png : null;
}

/** Kept for the next time; a data folder that cannot be written only costs a conversion. */
async function keep(pngPath: string, png: Buffer): Promise<void> {
  // A name of its own: two windows converting at once never write into one file.
  const partial = `${pngPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(partial, png);
    await rename(partial, pngPath);
  } catch {
    // Nothing lost: the screenshot itself is untouched.
  }
}

/** The screenshot taken with a snapshot of the domain `uuid`, as a PNG data URL; null when there is none to show. */
export async function screenshotPng(dataDir: string, uuid: string, snapshot: string): Promise<string | null> {
  // The UUID becomes a folder name: only a UUID, never `..`.
  if (!isUuid(uuid)) return null;
  const path = screenshotPath(dataDir, uuid, snapshot);
  const source = await stat(path).catch(() => null);
  if (source === null || !source.isFile()) return null;
  const pngPath = path.replace(/\.ppm$/, '.png');
  const png = (await cached(pngPath, source.mtimeMs)) ?? (await fromScreenshot(path, pngPath));
  return png === null ? null : `data:image/png;base64,${png.toString('base64')}`;
}

async function fromScreenshot(path: string, pngPath: string): Promise<Buffer | null> {
  const file = await readSmall(path);
  if (file === null) return null;
  if (isWholePng(file)) return file;
  const ppm = parsePpm(file);
  if (ppm === null) return null;
  const png = encodePng(ppm.width, ppm.height, ppm.rgb);
  await keep(pngPath, png);
  return png;
}
