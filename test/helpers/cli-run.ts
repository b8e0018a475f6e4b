import { tmpdir } from 'node:os';
import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';
import { git } from './git-cli.ts';

/** `previewd ARGS` in-process with only `env` (and PATH, HOME) as its environment: exit code and output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (chunk: string | Uint8Array) => ((out += String(chunk)), true) },
    stderr: { write: (chunk: string | Uint8Array) => ((err += String(chunk)), true) },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd: tmpdir(),
  };
  const code = await main(args, io);
  return { code, out, err };
}

/** `git interpret-trailers --parse` of a commit's message, as key → value. */
export async function trailers(gitdir: string, commit: string): Promise<Map<string, string>> {
  const message = await git(gitdir, ['log', '-1', '--format=%B', commit]);
  const parsed = await git(gitdir, ['interpret-trailers', '--parse'], message);
  return new Map(parsed.split('\n').map((line) => line.split(': ', 2) as [string, string]));
}
