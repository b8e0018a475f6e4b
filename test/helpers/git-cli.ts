import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment for git CLI calls in tests: no user config, a fixed identity. */
export const gitEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Hu Man',
  GIT_AUTHOR_EMAIL: 'human@example.com',
  GIT_COMMITTER_NAME: 'Hu Man',
  GIT_COMMITTER_EMAIL: 'human@example.com',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs `git args…` in `cwd` and returns stdout (trimmed at the end). Throws with stderr on failure. */
export async function git(cwd: string, args: string[], input?: string): Promise<string> {
  const child = run('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout.replace(/\n$/, '');
}
