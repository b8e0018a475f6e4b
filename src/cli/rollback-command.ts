import { userInfo } from 'node:os';
import { RevertTargetError } from '../adapters/git/errors.ts';
import { envLabel, type EnvRef } from '../domain/environment.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import { commitId, envArgument } from './argument-checks.ts';
import { UsageError, type CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { CLI_WRITER } from './open-cli-store.ts';
import { parseCommandLine } from './parse-command-line.ts';

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

// Who ran it, for Preview-Actor. userInfo throws for a uid without a passwd entry (some containers).
function osUser(io: CliIo): string {
  try {
    return userInfo().username;
  } catch {
    return io.env.USER ?? io.env.LOGNAME ?? 'previewd-cli';
  }
}

// The Application id the target state had, for the Preview-Id trailer (absent when it was a removal).
async function targetId(store: IsomorphicGitStore, env: EnvRef, to: string): Promise<string | undefined> {
  const record = (await store.history(env)).find((r) => r.commit.startsWith(to));
  if (!record || record.removed) return undefined;
  const files = await store.readEnvironment(env, record.commit);
  return parsePreviewJson(files?.get('preview.json') ?? '')?.id ?? undefined;
}

/**
 * `previewd rollback O/R#N --to C`: the same rollback as `/preview rollback` and the API, made by the
 * CLI as a writer of its own (never the service's clone or refs), published by compare-and-swap.
 */
export const rollbackCommand = {
  async run(args: string[], io: CliIo): Promise<number> {
    const { env, to, actor } = parseArgs(args);
    const { settings } = await loadCliSettings(io);
    const { store } = await openGitOpsStore(settings, CLI_WRITER);
    const who = actor ?? osUser(io);
    const label = envLabel(env);
    const id = await targetId(store, env, to);
    let result;
    try {
      result = await store.revert(env, to, { actor: who, ...(id ? { id } : {}), reason: `Rolled back with previewd rollback by ${who}.` });
    } catch (err) {
      if (!(err instanceof RevertTargetError)) throw err;
      io.stderr.write(`previewd rollback: ${label} was not rolled back: ${err.message}\n`);
      return 1;
    }
    if (result.status === 'unchanged') {
      io.stdout.write(`${label} already has its content at ${to}: nothing changed, no commit made.\n`);
      return 0;
    }
    const published = await store.publish();
    const mine = published.published.find((p) => p.local === result.commit);
    if (!mine) {
      io.stderr.write(`previewd rollback: ${label} was not rolled back: someone else changed its folder while the rollback was being pushed; their version stands. Look at 'previewd history ${label}' and run the rollback again if it is still wanted.\n`);
      return 1;
    }
    io.stdout.write(`Rolled back ${label} to ${to} in commit ${mine.commit}\n`);
    return 0;
  },
};
