import type { Messages } from '../messages';
import type { libvirt as english } from '../en/libvirt';

export const libvirt: Messages<typeof english> = {};
