import { envLabel, type EnvRef } from '../domain/environment.ts';
import { commitId, envArgument } from './argument-checks.ts';
import { EXIT, UsageError, type CliIo } from './command.ts';
import { osUser } from './os-user.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { runCliAction } from './run-cli-action.ts';

interface RollbackArgs {
  env: EnvRef;
  to: string;
  actor: string | null;
}

function parseArgs(args: string[]): RollbackArgs {
  const { values, positionals } = parseCommandLine(args, {
    options: { to: { type: 'string', check: commitId }, actor: { type: 'string' } },
    positionals: ['OWNER/REPO#N'], required: 1,
  });
  const env = envArgument(positionals[0] as string);
  if (values.to === undefined) throw new UsageError("--to is required: the GitOps commit to restore, from 'previewd history'");
  return { env, to: values.to, actor: values.actor ?? null };
}

/**
 * `previewd rollback O/R#N --to C`: the rollback of `/preview rollback` and the API, planned and
 * applied by the same pipeline (gather, plan, apply, publish; planned again on a conflict), by the CLI
 * as a writer of its own (never the service's clone or refs).
 */
export const rollbackCommand = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { env, to, actor } = parseArgs(args);
    const label = envLabel(env);
    const { outcome, published } = await runCliAction(io, env, { kind: 'rollback', to }, actor ?? osUser(io));
    if (outcome.status === 'unchanged') {
      io.stdout.write(`${label} already has its content at ${to}: nothing changed, no commit made.\n`);
      return EXIT.done;
    }
    if (outcome.status !== 'committed') {
      io.stderr.write(`previewd rollback: ${label} was not rolled back: ${outcome.message}\n`);
      return EXIT.failed;
    }
    const mine = published.at(-1);
    if (!mine) {
      io.stderr.write(`previewd rollback: ${label} was not rolled back: its commit was not published. Look at 'previewd history ${label}' and run the rollback again if it is still wanted.\n`);
      return EXIT.failed;
    }
    io.stdout.write(`Rolled back ${label} to ${to} in commit ${mine.commit}\n`);
    return EXIT.done;
  },
};
