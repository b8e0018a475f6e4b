import { userInfo } from 'node:os';
import { RevertTargetError } from '../adapters/git/errors.ts';
import { envLabel, InvalidEnvRefError, parseEnvLabel, type EnvRef } from '../domain/environment.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import { UsageError, type CliIo, type Command } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { CLI_WRITER } from './open-cli-store.ts';

const USAGE = `Usage: previewd rollback OWNER/REPO#N --to COMMIT [--actor NAME]

Restores the environment's folder to its content at COMMIT (a GitOps commit that changed it, as
'previewd history OWNER/REPO#N' lists them) in a new commit with Preview-Action: rollback, and pushes it.
Works on the GitOps repository of the settings (the same as the service's), beside a running service:
a remote through a clone of the CLI's own in DATA_DIR, a local repository on refs of its own; the
branch moves only by compare-and-swap, so neither writer ever overwrites the other.

  --to COMMIT    the GitOps commit to restore (full or abbreviated id)
  --actor NAME   recorded as Preview-Actor (default: your OS user name)

Exit codes: 0 rolled back (or nothing to change), 1 refused, 2 usage.`;

interface RollbackArgs {
  env: EnvRef;
  to: string;
  actor: string | null;
}

function parseArgs(args: string[]): RollbackArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (name !== 'to' && name !== 'actor') throw new UsageError(`unknown option ${arg}`);
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  if (positional.length !== 1) throw new UsageError('say which one environment to roll back, e.g. previewd rollback acme/shop#42 --to 1a2b3c4');
  let env: EnvRef;
  try {
    env = parseEnvLabel(positional[0] as string);
  } catch (err) {
    if (err instanceof InvalidEnvRefError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  const to = flags.get('to');
  if (to === undefined) throw new UsageError("--to is required: the GitOps commit to restore, from 'previewd history'");
  // Commit ids are stored in lower case; people paste them from anywhere.
  return { env, to: to.toLowerCase(), actor: flags.get('actor') ?? null };
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
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: "restore an environment's folder to an earlier GitOps commit, in a new commit",
  usage: USAGE,
  async run(args, io) {
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
