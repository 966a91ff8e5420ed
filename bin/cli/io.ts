/**
 * What every verb writes to and fails with. Verbs never call process.exit nor console.*: they
 * write through an Io (tests capture it) and throw a CliError, which the program turns into one
 * line on stderr and an exit code. Progress bars go to stderr, and only on a terminal.
 */
export interface Io {
  /** One line (or block) on stdout: results, tables, JSON. */
  out(text: string): void;
  /** One line (or block) on stderr: problems, hints. */
  err(text: string): void;
  /** Environment the verb reads (RELAIS_GATEWAY_URL, RELAIS_TOKEN…). */
  env: Record<string, string | undefined>;
  /** Where progress bars draw; undefined when it is not a terminal (no bar then). */
  progress: NodeJS.WriteStream | undefined;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    env: process.env,
    progress: process.stderr.isTTY ? process.stderr : undefined,
  };
}

/**
 * A failure the user can act on: `message` is printed as `relais: <message>` (nothing when
 * undefined: the verb already printed its problems) and the process exits with `exitCode`.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly silent: boolean;

  constructor(message: string | undefined, exitCode = 1) {
    super(message ?? '');
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.silent = message === undefined;
  }
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
