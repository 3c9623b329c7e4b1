/**
 * The disk a raw file gives a guest, as QEMU sizes it: whole 512-byte sectors, the last
 * one partly past the end of the file (bdrv_refresh_total_sectors rounds up), so a file
 * of 364766 bytes is a disk of 365056.
 */
export function rawVirtualSize(fileSize: number): number {
  return Math.ceil(fileSize / 512) * 512;
}
