/** A format name as qemu-img's `-f`, `-F` and `-O` take it (`qcow2`, `raw`, `vmdk` …). */
export type ImageFormat = string;

/**
 * `--image-opts` spelling of "this file, in this format", for qemu-img verbs that have
 * no `-f` (snapshot): the format is named, never probed (data-safety rule 3). Commas
 * in option values are doubled, as QEMU's option parser requires.
 */
export function imageOpts(path: string, format: ImageFormat): string {
  return `driver=${format},file.driver=file,file.filename=${path.replaceAll(',', ',,')}`;
}
