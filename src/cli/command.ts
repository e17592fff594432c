/**
 * @module The shape of a `floe` command: one file per command under src/cli/, each exporting a {@link Command}.
 * Exit codes: 0 success, 1 the operation failed (bad pipeline, failed run, ...), 2 usage error.
 */

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal (live views, colours). */
  isTTY: boolean;
}

export interface Command {
  name: string;
  /** One line for `floe help`. */
  summary: string;
  /** Full usage text, printed with exit 2 on unknown flags or missing arguments. */
  usage: string;
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

/** Thrown by a command's argument parsing: the CLI prints the message and the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
