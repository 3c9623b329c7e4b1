import type { Messages } from '../messages';
import type { problems as english } from '../../../../shared/messages/problems';

export const problems: Messages<typeof english> = {};
