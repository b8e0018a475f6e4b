import type { Writable } from 'node:stream';

/** What a command may touch: passed in, so that tests run commands in-process. */
export interface CliIo {
  stdout: Pick<Writable, 'write'>;
  stderr: Pick<Writable, 'write'>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One `previewd <name>` sub-command. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
