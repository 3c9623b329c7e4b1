import type { Messages } from '../messages';
import type { forest as english } from '../en/forest';

export const forest: Messages<typeof english> = {};
