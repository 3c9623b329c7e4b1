/** A request the core will not carry out, with the reason in words for the user. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
}
