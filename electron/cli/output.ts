/** The CLI's stdout and stderr: what every verb prints goes through here. */
import { closeSync } from 'node:fs';
import { getSystemErrorMap } from 'node:util';
import { errorMessage, terminalJson, terminalText } from '../../shared/format.js';

/** What the system said, in its own words and code: "no space left on device (ENOSPC)". */
export function systemReason(error: NodeJS.ErrnoException): string {
  const words = error.errno === undefined ? undefined : getSystemErrorMap().get(error.errno)?.[1];
  return words === undefined ? errorMessage(error) : `${words} (${error.code})`;
}

/**
 * The output could not be written. A reader that stops early (`snaptree scan … | head`)
 * closes the pipe: that is the reader's choice, not a failure. Anything else (a full
 * disk, `> /dev/full`) is said in one line. Both the write's callback and the stream's
 * error event come here, whichever is first.
 */
export function outputFailed(error: NodeJS.ErrnoException): never {
  if (error.code === 'EPIPE') process.exit(0);
  warn(`cannot write output: ${systemReason(error)}`);
  process.exit(2);
}

/** Resolves once the text is handed to the OS: exiting before that cuts a piped output short. */
export function print(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, (error) => (error ? outputFailed(error) : resolve())));
}

/** A line for stderr, escaped as the text output is (docs/cli.md): names in it come from files, headers and libvirt. */
export function warn(message: string): void {
  process.stderr.write(`snaptree: ${terminalText(message)}\n`);
}


/** JSON for stdout: indented for a person at a terminal, compact for a pipe. */
export function json(value: unknown): string {
  return `${terminalJson(value, process.stdout.isTTY ? 2 : undefined)}\n`;
}

let hungUp = false;

/**
 * The terminal is gone (SIGHUP): nothing more is written to it (each write would fail with
 * EIO, and an unheard error would end the process before its job says what it left).
 */
export function terminalGone(): void {
  hungUp = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => undefined);
    // Each write is done at once: a caller waiting for its callback (print) goes on.
    stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') (done as () => void)();
      return true;
    }) as typeof stream.write;
  }
}

/** Ends the process; after a hang-up with its terminal let go first: Node aborts when it restores a terminal that is gone. */
export function exitWith(code: number): never {
  if (hungUp) {
    for (const fd of [0, 1, 2]) {
      try {
        closeSync(fd);
      } catch {
        // not open
      }
    }
  }
  process.exit(code);
}
