/**
 * The extent files a vmdk text descriptor names, as QEMU 7.2's vmdk_parse_extents reads
 * them (block/vmdk.c): lines `ACCESS SECTORS TYPE "FILE" [OFFSET]`, read-write ones only,
 * with a quoted name of up to 511 bytes; a ZERO extent names no file. A descriptor as
 * `qemu-img create -f vmdk -o subformat=monolithicFlat d.vmdk` writes it:
 *
 *   # Disk DescriptorFile
 *   version=1
 *   CID=49474e8e
 *   parentCID=ffffffff
 *   createType="monolithicFlat"
 *
 *   # Extent description
 *   RW 2048 FLAT "d-flat.vmdk" 0
 */

/** How a text descriptor starts; a binary (sparse) vmdk is its own only extent. */
const VMDK_DESCRIPTOR_MAGIC = '# Disk DescriptorFile';

const EXTENT_LINE = /^\s*(\S{1,10})\s+-?\d+\s+\S{1,10}\s+"([^\n\r"]{1,511})"/;

/** The file names of a descriptor's extents, as written (relative to the descriptor's folder). */
export function vmdkExtentNames(descriptor: string): string[] {
  if (!descriptor.startsWith(VMDK_DESCRIPTOR_MAGIC)) return [];
  const names: string[] = [];
  for (const line of descriptor.split(/[\r\n]/)) {
    const match = EXTENT_LINE.exec(line);
    if (match !== null && match[1] === 'RW') names.push(match[2]!);
  }
  return names;
}
