import type { libvirtProblems as english } from '../../../../../shared/messages/libvirt-problems';
import type { Messages } from '../../messages';

export const libvirtProblems: Messages<typeof english> = {};
