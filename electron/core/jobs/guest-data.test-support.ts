/**
 * Real data for the tests that change images: chains made by qemu-img whose every layer
 * holds its own pattern (`qemu-io write -P`) where the others hold theirs, so that a merge,
 * revert or delete that loses or misplaces a layer's data reads other bytes; and what a
 * guest reads through a chain, hashed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU_IMG } from './jobs.test-support.js';

export interface Chain {
  readonly base: string;
  readonly sn1: string;
  readonly sn2: string;
  readonly sn3: string;
}

/** `qemu-io write -P`: a pattern written into one layer (no QEMU may hold it). */
export function write(path: string, pattern: number, offset: string, length = '1M'): void {
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x${pattern.toString(16)} ${offset} ${length}`, '--', path], { stdio: 'ignore' });
}

/**
 * `<prefix>.base.qcow2` (64 MiB virtual) and three overlays, each backing name bare. Every
 * layer writes at 0 (so each hides the one below there) and at its own offset; `MiB`
 * scales the amount (a live test writes enough for the block job to take a while).
 */
export function chainWithData(dir: string, prefix: string, MiB = 1): Chain {
  const path = (name: string) => join(dir, `${prefix}.${name}.qcow2`);
  const chain = { base: path('base'), sn1: path('sn1'), sn2: path('sn2'), sn3: path('sn3') };
  execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '--', chain.base, '64M']);
  let below = chain.base;
  for (const layer of [chain.sn1, chain.sn2, chain.sn3]) {
    execFileSync(QEMU_IMG, ['create', '-q', '-f', 'qcow2', '-b', below.slice(dir.length + 1), '-F', 'qcow2', '--', layer]);
    below = layer;
  }
  [chain.base, chain.sn1, chain.sn2, chain.sn3].forEach((layer, level) => {
    write(layer, 0x11 * (level + 1), '0', `${MiB}M`);
    write(layer, 0x11 * (level + 1) + 1, `${(level + 1) * 8}M`, `${MiB}M`);
  });
  return chain;
}

/**
 * What the guest reads through the chain from `top` (at its internal snapshot `snapshot`):
 * a hash of `qemu-img convert -O raw`, with -U since a running QEMU may hold it.
 */
export function guestBytes(top: string, scratch: string, snapshot?: string): string {
  const raw = join(scratch, `guest-${process.pid}.raw`);
  execFileSync(QEMU_IMG, ['convert', '-U', '-f', 'qcow2', '-O', 'raw', ...(snapshot === undefined ? [] : ['-l', `snapshot.name=${snapshot}`]), '--', top, raw]);
  // A piece at a time: a guest's disk may be larger than a buffer may be.
  const hash = createHash('sha256');
  const piece = Buffer.alloc(8 << 20);
  const fd = openSync(raw, 'r');
  try {
    for (let read: number; (read = readSync(fd, piece, 0, piece.length, null)) > 0; ) hash.update(piece.subarray(0, read));
  } finally {
    closeSync(fd);
    rmSync(raw);
  }
  return hash.digest('hex');
}

/** The file the header names as backing, resolved; null for none. */
export function backingOf(path: string): string | null {
  const info = JSON.parse(execFileSync(QEMU_IMG, ['info', '-U', '--output=json', '--', path], { encoding: 'utf8' })) as { 'full-backing-filename'?: string };
  return info['full-backing-filename'] ?? null;
}

/** The names of the files the trash beside `dir` holds, across every job. */
export function trashed(dir: string): string[] {
  const trash = join(dir, '.snaptree-trash');
  return existsSync(trash) ? readdirSync(trash).flatMap((job) => readdirSync(join(trash, job))) : [];
}
