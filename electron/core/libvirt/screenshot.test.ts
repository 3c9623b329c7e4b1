import { mkdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath } from '../../../shared/plans/screenshot.js';
import { createCore } from '../core.js';
import { LocalHost } from '../host/local.js';
import { domainsOfFile, virsh } from './domains.test-support.js';
import { screenshotPng } from './screenshot.js';

const UUID = '00000000-0000-4000-8000-00000000abcd';
const HOSTILE = `.before "upgrade" $(id) -x\n快照`;
const fixture = domainsOfFile('screenshot');
let screen: { name: string; uuid: string };

/** A PNG's size and, for the filterless PNGs Snaptree writes, its RGB bytes (inflated here, independently of the encoder). */
function readPng(png: Buffer): { width: number; height: number; rgb: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    if (rows[row] !== 0) return { width, height, rgb: Buffer.alloc(0) };
    rows.copy(rgb, y * width * 3, row + 1, row + 1 + width * 3);
  }
  return { width, height, rgb };
}

const fromDataUrl = (url: string | null): Buffer => {
  expect(url).toMatch(/^data:image\/png;base64,/);
  return Buffer.from(url!.slice('data:image/png;base64,'.length), 'base64');
};

function place(uuid: string, snapshot: string, bytes: Buffer): string {
  const path = screenshotPath(join(fixture.scratch, 'data'), uuid, snapshot);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** The PPM header QEMU writes, with a comment as other writers put one. */
function ppm(width: number, height: number, rgb: Buffer, header = `P6\n# made by hand\n${width} ${height}\n255\n`): Buffer {
  return Buffer.concat([Buffer.from(header, 'latin1'), rgb]);
}

beforeAll(() => {
  const { name } = fixture.domains.define('screen', { start: true, graphics: true });
  screen = { name, uuid: virsh('domuuid', '--domain', name).trim() };
});

describe("a snapshot's screenshot", () => {
  it('is the picture virsh screenshot took of a running domain with a VNC display', async () => {
    const path = screenshotPath(join(fixture.scratch, 'data'), screen.uuid, HOSTILE);
    mkdirSync(dirname(path), { recursive: true });
    virsh('screenshot', '--domain', screen.name, '--file', path);
    const png = fromDataUrl(await screenshotPng(join(fixture.scratch, 'data'), screen.uuid, HOSTILE));
    // QEMU 7.2 sent PNG (SeaBIOS's 720x400 text screen once it is up; the size before that
    // depends on how far the guest got): shown as it came.
    expect(png).toEqual(readFileSync(path));
    const { width, height } = readPng(png);
    expect(width * height).toBeGreaterThan(0);
  });

  it("is QEMU's own PPM screendump as a PNG with the same pixels, converted once", async () => {
    const path = place(screen.uuid, 'ppm', Buffer.alloc(0));
    rmSync(path);
    // The monitor's screendump writes PPM whatever QEMU could send virsh.
    virsh('qemu-monitor-command', '--domain', screen.name, '--hmp', `screendump ${path}`);
    const written = readFileSync(path);
    expect(written.toString('latin1', 0, 2)).toBe('P6');
    const [width, height] = /^P6\n(\d+) (\d+)\n255\n/.exec(written.toString('latin1', 0, 32))!.slice(1).map(Number) as [number, number];
    const png = fromDataUrl(await screenshotPng(join(fixture.scratch, 'data'), screen.uuid, 'ppm'));
    expect(readPng(png)).toEqual({ width, height, rgb: written.subarray(written.length - width * height * 3) });
    // Kept beside it, and given again while the screenshot is older.
    const kept = path.replace(/\.ppm$/, '.png');
    expect(readFileSync(kept)).toEqual(png);
    const keptAt = statSync(kept).mtimeMs;
    expect(fromDataUrl(await screenshotPng(join(fixture.scratch, 'data'), screen.uuid, 'ppm'))).toEqual(png);
    expect(statSync(kept).mtimeMs).toBe(keptAt);
  });

  it('reaches the window through the core', async () => {
    const core = createCore(new LocalHost(), { mode: 'cli', configDir: join(fixture.scratch, 'config'), dataDir: join(fixture.scratch, 'data') });
    const rgb = Buffer.from([255, 0, 0, 0, 255, 0]);
    place(UUID, 'core', ppm(2, 1, rgb));
    expect(readPng(fromDataUrl((await core.handlers.screenshotGet({ uuid: UUID, snapshot: 'core' })).png))).toEqual({ width: 2, height: 1, rgb });
    expect(await core.handlers.screenshotGet({ uuid: UUID, snapshot: 'never taken' })).toEqual({ png: null });
    core.close();
  });
});

describe('the PPM to PNG conversion', () => {
  it('keeps a hand-made picture pixel for pixel, header comment and all', async () => {
    const rgb = Buffer.from(Array.from({ length: 5 * 3 * 3 }, (_, index) => (index * 37) % 256));
    place(UUID, 'hand', ppm(5, 3, rgb));
    expect(readPng(fromDataUrl(await screenshotPng(join(fixture.scratch, 'data'), UUID, 'hand')))).toEqual({ width: 5, height: 3, rgb });
  });

  it('converts again when the screenshot is newer than the PNG kept from it', async () => {
    const path = place(UUID, 'again', ppm(1, 1, Buffer.from([1, 2, 3])));
    await screenshotPng(join(fixture.scratch, 'data'), UUID, 'again');
    const kept = path.replace(/\.ppm$/, '.png');
    utimesSync(kept, new Date(2000, 0, 1), new Date(2000, 0, 1));
    writeFileSync(path, ppm(1, 1, Buffer.from([9, 8, 7])));
    expect(readPng(fromDataUrl(await screenshotPng(join(fixture.scratch, 'data'), UUID, 'again'))).rgb).toEqual(Buffer.from([9, 8, 7]));
  });
});

describe('no picture, never an error', () => {
  it('where no screenshot was taken', async () => {
    expect(await screenshotPng(join(fixture.scratch, 'data'), UUID, 'none here')).toBeNull();
  });

  it('for a PPM cut short, a PNG cut short, or neither', async () => {
    const cut = place(UUID, 'cut', ppm(4, 4, Buffer.alloc(48, 7)));
    truncateSync(cut, statSync(cut).size - 1);
    expect(await screenshotPng(join(fixture.scratch, 'data'), UUID, 'cut')).toBeNull();

    const real = readFileSync(screenshotPath(join(fixture.scratch, 'data'), screen.uuid, HOSTILE));
    place(UUID, 'half png', real.subarray(0, real.length >> 1));
    expect(await screenshotPng(join(fixture.scratch, 'data'), UUID, 'half png')).toBeNull();

    for (const [name, bytes] of [
      ['empty', Buffer.alloc(0)],
      ['text', Buffer.from('error: no screens to take screenshot from\n')],
      ['header only', Buffer.from('P6\n2 2\n')],
      ['16-bit', ppm(1, 1, Buffer.alloc(6), 'P6\n1 1\n65535\n')],
      ['zero width', ppm(0, 1, Buffer.alloc(3), 'P6\n0 1\n255\n')],
      ['ascii PPM', Buffer.from('P3\n1 1\n255\n1 2 3\n')],
    ] as const) {
      place(UUID, name, bytes);
      expect(await screenshotPng(join(fixture.scratch, 'data'), UUID, name), name).toBeNull();
    }
  });

  it('for a UUID that is no UUID (it would name another folder)', async () => {
    place(UUID, 'x', ppm(1, 1, Buffer.alloc(3)));
    expect(await screenshotPng(join(fixture.scratch, 'data', 'screenshots', UUID), '..', 'x')).toBeNull();
    expect(await screenshotPng(join(fixture.scratch, 'data'), UUID.toUpperCase(), 'x')).toBeNull();
  });
});
