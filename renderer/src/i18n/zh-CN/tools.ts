import type { Messages } from '../messages';
import type { tools as english } from '../en/tools';

export const tools: Messages<typeof english> = {};
