import type { Messages } from '../messages';
import type { shell as english } from '../en/shell';

export const shell: Messages<typeof english> = {};
