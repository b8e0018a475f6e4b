import { envFolder, envLabel, type EnvRef } from '../domain/environment.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import { commitId } from './argument-checks.ts';
import { EXIT, type CliIo } from './command.ts';
import { osUser } from './os-user.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { runCliAction } from './run-cli-action.ts';

/** `previewd revert C` cannot undo C: it changed no environment, or more than one, or is unknown. */
export class RevertRefusedError extends Error {
  override name = 'RevertRefusedError';
}

// The one environment C changed; anything else is refused with what to do instead.
async function environmentOf(store: GitOpsStore, commit: string): Promise<EnvRef> {
  const changed = await store.commitEnvironments(commit);
  if (!changed.found) throw new RevertRefusedError(changed.reason);
  const short = changed.commit.slice(0, 7);
  const byHand = `git revert --strategy=recursive -X no-renames ${short} (see "Rolling back by hand, safely" in the README)`;
  const [env, ...more] = changed.envs;
  if (!env) throw new RevertRefusedError(`commit ${short} changed no environment folder under previews/${changed.outside ? ': it changed only other files; revert it by hand if you mean to' : ''}`);
  if (more.length > 0) throw new RevertRefusedError(`commit ${short} changed ${changed.envs.length} environments (${changed.envs.map(envFolder).join(', ')}); previewd reverts one environment's change at a time: revert it by hand with ${byHand}`);
  if (changed.outside) throw new RevertRefusedError(`commit ${short} also changed files outside previews/; previewd reverts only an environment's folder: revert it by hand with ${byHand}`);
  return env;
}

/**
 * `previewd revert C`: undoes what GitOps commit C did to the one environment folder it changed, in a
 * new commit that restores the folder as it was just before C (a rollback to C's parent for that
 * folder only), planned and pushed as `previewd rollback` is. Unlike `git revert`, it never touches
 * another PR's folder, whatever git's rename detection would pair.
 */
export async function runRevert(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    options: { actor: { type: 'string' } },
    positionals: ['COMMIT'], required: 1,
  });
  const commit = commitId(positionals[0] as string, 'COMMIT');
  try {
    const { env, outcome, published } = await runCliAction(io, (store) => environmentOf(store, commit), { kind: 'rollback', to: commit, before: true }, values.actor ?? osUser(io));
    const label = envLabel(env);
    if (outcome.status === 'unchanged') {
      io.stdout.write(`${label} already is as it was before ${commit.slice(0, 7)}: nothing changed, no commit made.\n`);
      return EXIT.done;
    }
    if (outcome.status !== 'committed') {
      io.stderr.write(`previewd revert: ${label} was not reverted: ${outcome.message}\n`);
      return EXIT.failed;
    }
    const mine = published.at(-1);
    if (!mine) {
      io.stderr.write(`previewd revert: ${label} was not reverted: its commit was not published. Look at 'previewd history ${label}' and run the revert again if it is still wanted.\n`);
      return EXIT.failed;
    }
    io.stdout.write(`Reverted ${commit.slice(0, 7)} for ${label} in commit ${mine.commit}\n`);
    return EXIT.done;
  } catch (err) {
    if (!(err instanceof RevertRefusedError)) throw err;
    io.stderr.write(`previewd revert: ${err.message}\n`);
    return EXIT.failed;
  }
}
