import { InvalidEnvRefError, parseEnvLabel, type EnvRef } from '../domain/environment.ts';
import { UsageError } from './command.ts';

// Checks for the values people type, each naming the flag and saying what is accepted. They return
// the value normalized (commit ids in lower case), or throw UsageError (exit code 2).

export function prNumber(value: string, flag: string): string {
  if (!/^[1-9][0-9]{0,9}$/.test(value) || Number(value) > 2147483647) throw new UsageError(`${flag} must be a PR number (1, 2, …), not ${JSON.stringify(value)}`);
  return value;
}

export function fullSha(value: string, flag: string): string {
  if (!/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(value)) throw new UsageError(`${flag} must be a full commit sha (40 hex digits), not ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function repoName(value: string, flag: string): string {
  if (!/^[^/\s#]+\/[^/\s#]+$/.test(value)) throw new UsageError(`${flag} must be owner/name, e.g. demo/app, not ${JSON.stringify(value)}`);
  return value;
}

export function commitId(value: string, flag: string): string {
  if (!/^[0-9a-fA-F]{4,64}$/.test(value)) throw new UsageError(`${flag} must be a GitOps commit id (4 to 40 hex digits, as 'previewd history' shows), not ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function isoTime(value: string, flag: string): string {
  if (Number.isNaN(new Date(value).getTime())) throw new UsageError(`${flag} must be an ISO time such as 2026-01-01T00:00:00Z, not ${JSON.stringify(value)}`);
  return value;
}

/** `owner/repo#n` as a positional argument. */
export function envArgument(value: string): EnvRef {
  try {
    return parseEnvLabel(value);
  } catch (err) {
    if (err instanceof InvalidEnvRefError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/** `--repo` and `--pr` together, as one environment. */
export function envOfRepoPr(repo: string, pr: string): EnvRef {
  const [owner = '', name = ''] = repo.split('/');
  return envArgument(`${owner}/${name}#${pr}`);
}
