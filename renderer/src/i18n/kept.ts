/**
 * Latin words a Chinese sentence may keep: commands, formats, units, product names, and the
 * system's error codes (EACCES), which a reader looks up as they are. The
 * catalogue test checks every Chinese string with it, and the window's e2e test every text
 * it renders in Chinese; extend it only for true commands and format names.
 */
export const KEPT =
  /^(qemu-img|virsh|libvirt|libvirtd|QEMU|KVM|qcow2?|raw|vmdk|vdi|vhdx|vpc|qed|luks|LUKS|Snaptree|UTF-8|MiB|GiB|KiB|TiB|B|URI|XML|JSON|ID|UUID|MAC|NOW|blockcommit|blockpull|rebase|commit|pull|destroy|restore|define|start|nbd|json|zstd|zlib|L1|L2|AES|FIFO|E[A-Z]{2,}|vmdk|Electron|ssh|root|id|name|path|format|size|[a-z]+-[a-z-]+|\{\{[^}]+\}\}|[A-Z]?[a-z]*\d\w*)$/;

/** The Latin words of a text that are neither kept nor placeholders: English left in a Chinese sentence. */
export function strayEnglish(text: string): string[] {
  const words = text.match(/[A-Za-z][A-Za-z0-9_.:/-]*/g) ?? [];
  return words.filter((word) => !KEPT.test(word));
}
