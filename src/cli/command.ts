import type { Writable } from 'node:stream';

/** What a command may touch: passed in, so that tests run commands in-process. */
export interface CliIo {
  stdout: Pick<Writable, 'write'>;
  stderr: Pick<Writable, 'write'>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A command's work: returns the exit code (see EXIT). */
export type CommandRun = (args: string[], io: CliIo) => Promise<number>;

/**
 * One `previewd <name>` sub-command. Its name, summary and usage are plain data, so that `--help`
 * costs nothing; `load` imports the modules it needs only when it runs.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<CommandRun>;
}

/**
 * The exit codes every command follows: 0 done (including "nothing to change"), 1 refused or failed
 * (previewd's rules said no, or something it depends on failed), 2 usage (the command line or the
 * settings are wrong: fix them and run it again; also a port or DATA_DIR another process holds).
 */
export const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command cannot run as set up (a taken port, a DATA_DIR in use or unusable): exit code 2, no usage. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** Thrown when settings are invalid: the command prints every problem and exits 2. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
