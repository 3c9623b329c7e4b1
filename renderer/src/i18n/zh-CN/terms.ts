import type { Messages } from '../messages';
import type { terms as english } from '../en/terms';

export const terms: Messages<typeof english> = {};
