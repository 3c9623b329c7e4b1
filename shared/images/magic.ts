import type { ImageFormat } from './model.js';

const ascii = (bytes: Uint8Array, offset: number, text: string): boolean =>
  bytes.length >= offset + text.length && [...text].every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));

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
  if (ascii(bytes, 0, 'KDMV') || ascii(bytes, 0, '# Disk DescriptorFile')) return 'vmdk';
  if (ascii(bytes, 0, 'vhdxfile')) return 'vhdx';
  if (ascii(bytes, 0, 'conectix')) return 'vpc';
  if (ascii(bytes, 0, 'LUKS\xba\xbe')) return 'luks';
  // VirtualBox: a text banner, then the magic 0xbeda107f (little-endian) at 64.
  if (ascii(bytes, 64, '\x7f\x10\xda\xbe')) return 'vdi';
  return 'raw';
}

/** File name endings that claim a format; a file that claims one but lacks its magic is suspect. */
const CLAIMED_BY_NAME: Record<string, ImageFormat> = {
  qcow2: 'qcow2',
  qcow: 'qcow2',
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

/**
 * Whether a file in a watched folder belongs in the forest: any known magic, or a
 * name that says disk image. Domain XML, memory dumps and logs stay out.
 */
export function looksLikeImage(path: string, format: ImageFormat): boolean {
  return format !== 'raw' || RAW_ENDINGS.has(ending(path)) || formatClaimedByName(path) !== null;
}
