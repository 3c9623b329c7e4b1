import type { imageProblems as english } from '../../../../../shared/messages/image-problems';
import type { Messages } from '../../messages';

export const imageProblems: Messages<typeof english> = {};
