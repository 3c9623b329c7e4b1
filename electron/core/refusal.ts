import type { Said } from '../../shared/messages/problems.js';

/**
 * A request the core will not carry out, with the reason in words for the user: the
 * English `message`, and, when the reason is said through the catalogues, its key and
 * values for the window.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  readonly said: Said | null;

  constructor(reason: string | Said) {
    super(typeof reason === 'string' ? reason : reason.message);
    this.said = typeof reason === 'string' ? null : reason;
  }
}
