import type { ImageFormat, ScannedFormat } from './model.js';

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && [...text].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

/** How much of a file QEMU's probes look at (BLOCK_PROBE_BUF_SIZE), zeros past its end. */
const PROBE_BYTES = 512;

const u32le = (bytes: Uint8Array, offset: number): number => ((bytes[offset] ?? 0) | (bytes[offset + 1] ?? 0) << 8 | (bytes[offset + 2] ?? 0) << 16 | (bytes[offset + 3] ?? 0) << 24) >>> 0;

/**
 * QEMU's vmdk_probe for a text descriptor: `#` comment lines and lines of spaces may come
 * first; the first other line must be `version=1`, `2` or `3` (LF or CRLF). An empty line
 * before it, or a descriptor that starts with `CID=`, is no vmdk to QEMU.
 */
function vmdkDescriptor(bytes: Uint8Array): boolean {
  const end = PROBE_BYTES;
  const at = (i: number): number => (i < bytes.length ? bytes[i]! : 0);
  for (let p = 0; p < end; ) {
    if (at(p) === 0x23) {
      while (p < end && at(p) !== 0x0a) p++;
      p++;
      continue;
    }
    if (at(p) === 0x20) {
      while (p < end && at(p) === 0x20) p++;
      if (p < end && at(p) === 0x0d) p++;
      if (p === end || at(p) !== 0x0a) return false;
      p++;
      continue;
    }
    const line = String.fromCharCode(...Array.from({ length: Math.min(11, end - p) }, (_, i) => at(p + i)));
    return /^version=[123](\n|\r\n)/.test(line);
  }
  return false;
}

/**
 * The format a file's first bytes announce, as QEMU's probes recognise them.
 * Anything without a known magic is raw, exactly as QEMU would open it.
 */
export function detectFormat(bytes: Uint8Array): ImageFormat {
  // QEMU's probes read 512 bytes, zeros past the end of the file, and tell the two QCOW
  // versions apart by the version field: 1 is the old qcow, 2 and above qcow2, and a
  // magic with version 0 is no image format at all (raw).
  if (ascii(bytes, 0, 'QFI\xfb')) {
    const version = ((bytes[4] ?? 0) << 24 | (bytes[5] ?? 0) << 16 | (bytes[6] ?? 0) << 8 | (bytes[7] ?? 0)) >>> 0;
    if (version >= 2) return 'qcow2';
    if (version === 1) return 'qcow';
  }
  if (ascii(bytes, 0, 'QED\0')) return 'qed';
  if (ascii(bytes, 0, 'KDMV') || ascii(bytes, 0, 'COWD') || vmdkDescriptor(bytes)) return 'vmdk';
  if (ascii(bytes, 0, 'vhdxfile')) return 'vhdx';
  if (ascii(bytes, 0, 'conectix')) return 'vpc';
  // QEMU 7.2 reads LUKS version 1 only: a LUKS2 header is raw to it.
  if (ascii(bytes, 0, 'LUKS\xba\xbe\x00\x01')) return 'luks';
  // VirtualBox: a text banner, then the magic 0xbeda107f (little-endian) at 64.
  if (ascii(bytes, 64, '\x7f\x10\xda\xbe')) return 'vdi';
  return 'raw';
}

/**
 * A format QEMU 7.2 probes that Snaptree does not read, where a file has it: QEMU opens
 * such a file (a backing file named with no format, say) through that driver, not as raw.
 * The probes' own tests: parallels' magic and version 2, bochs' magic, type, subtype and
 * version, cloop's shell banner (score 2, above raw's 1), and dmg by its name alone.
 */
export function qemuOnlyFormat(bytes: Uint8Array, path: string): string | null {
  if ((ascii(bytes, 0, 'WithoutFreeSpace') || ascii(bytes, 0, 'WithouFreSpacExt')) && u32le(bytes, 16) === 2) return 'parallels';
  const field = (offset: number, text: string) => ascii(bytes, offset, `${text}\0`);
  if (field(0, 'Bochs Virtual HD Image') && field(32, 'Redolog') && field(48, 'Growing') && [0x00020000, 0x00010000].includes(u32le(bytes, 64))) return 'bochs';
  const cloop = '#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n';
  if (ascii(bytes, 0, cloop)) return 'cloop';
  if (path.length > 4 && path.endsWith('.dmg')) return 'dmg';
  return null;
}

/** File name endings that claim a format; a file that claims one but lacks its magic is suspect. */
const CLAIMED_BY_NAME: Record<string, ImageFormat> = {
  qcow2: 'qcow2',
  qcow: 'qcow',
  qed: 'qed',
  vmdk: 'vmdk',
  vhdx: 'vhdx',
  vdi: 'vdi',
  vhd: 'vpc',
};

/** Endings of files worth showing even without a magic: raw disks. */
const RAW_ENDINGS = new Set(['img', 'raw', 'disk']);

function ending(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function formatClaimedByName(path: string): ImageFormat | null {
  return CLAIMED_BY_NAME[ending(path)] ?? null;
}

/** Whether a file's bytes have the format its name claims: `.qcow` is written for either QCOW version. */
export function claimHeld(claimed: ImageFormat, format: ScannedFormat): boolean {
  return claimed === format || (claimed === 'qcow' && format === 'qcow2');
}

/**
 * Whether a file in a watched folder belongs in the forest: any known magic, or a
 * name that says disk image. Domain XML, memory dumps and logs stay out.
 */
export function looksLikeImage(path: string, format: ImageFormat): boolean {
  return format !== 'raw' || RAW_ENDINGS.has(ending(path)) || formatClaimedByName(path) !== null;
}
