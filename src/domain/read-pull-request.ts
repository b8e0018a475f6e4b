import { assertEnvRef, InvalidEnvRefError } from './environment.ts';
import { bool, kind, login, PayloadError, record, show, text, webUrl, wholeNumber } from './payload-fields.ts';
import type { PullRequestSnapshot } from './pull-request.ts';

const SHA_RE = /^[0-9a-f]{40}$/;
// GitHub caps label names at 50 characters and a PR at 100 labels; more is not GitHub talking.
const MAX_LABEL = 50;
const MAX_LABELS = 100;
// Branch names are only ever values, but an unbounded string is not a branch GitHub would send.
const MAX_REF = 1024;
const MAX_FULL_NAME = 140;
const MAX_TITLE = 1024;

/**
 * A `pull_request` object (the webhook's, or the REST API's: same shape) and the repository it belongs
 * to, reduced to a snapshot. `path` names the object in reasons (`pull_request`, `pull`). Throws
 * `PayloadError` or `InvalidEnvRefError` on any field that is not what GitHub sends.
 */
export function readPullRequest(pr: Record<string, unknown>, repository: Record<string, unknown>, path: string, repositoryPath: string): PullRequestSnapshot {
  const head = record(pr.head, `${path}.head`);
  const base = record(pr.base, `${path}.base`);
  const ref = {
    owner: text(record(repository.owner, `${repositoryPath}.owner`), 'login', `${repositoryPath}.owner.login`),
    repo: text(repository, 'name', `${repositoryPath}.name`),
    pr: wholeNumber(pr.number, `${path}.number`),
  };
  assertEnvRef(ref);

  const headSha = text(head, 'sha', `${path}.head.sha`);
  if (!SHA_RE.test(headSha)) throw new PayloadError(`${path}.head.sha: ${show(headSha)} is not a commit sha (40 lower-case hexadecimal characters)`);
  const headRef = text(head, 'ref', `${path}.head.ref`);
  if (headRef === '' || headRef.length > MAX_REF) throw new PayloadError(`${path}.head.ref: expected a branch name of 1 to ${MAX_REF} characters`);

  const state = text(pr, 'state', `${path}.state`);
  if (state !== 'open' && state !== 'closed') throw new PayloadError(`${path}.state: ${show(state)} is not "open" or "closed"`);

  return {
    ...ref,
    state,
    merged: merged(pr, path),
    draft: bool(pr.draft, `${path}.draft`),
    headSha,
    headRef,
    fork: isFork(head, base, path),
    author: login(record(pr.user, `${path}.user`), `${path}.user.login`),
    labels: labels(pr.labels, `${path}.labels`),
    repoUrl: webUrl(repository.html_url, `${repositoryPath}.html_url`),
    ...title(pr.title),
  };
}

// GitHub caps titles at 256 characters; a title is only ever shown, so an odd one is dropped, not refused.
function title(value: unknown): { title?: string } {
  return typeof value === 'string' && value.length <= MAX_TITLE ? { title: value } : {};
}

/**
 * A pull request as `GET /repos/{owner}/{repo}/pulls[/{n}]` answers it, as a snapshot, or why not.
 * The repository is the base's (`base.repo`): the one the pull request was opened against.
 */
export function parsePullRequestObject(pull: unknown): { ok: true; snapshot: PullRequestSnapshot } | { ok: false; reason: string } {
  try {
    const pr = record(pull, 'pull');
    const repository = record(record(pr.base, 'pull.base').repo, 'pull.base.repo');
    return { ok: true, snapshot: readPullRequest(pr, repository, 'pull', 'pull.base.repo') };
  } catch (err) {
    if (err instanceof PayloadError || err instanceof InvalidEnvRefError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The label name at `path`. */
export function labelName(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  if (value === '' || value.length > MAX_LABEL) throw new PayloadError(`${path}: expected a label name of 1 to ${MAX_LABEL} characters, found ${value.length}`);
  return value;
}

function merged(pr: Record<string, unknown>, path: string): boolean {
  // GitHub sends null for `merged` while mergeability is being computed on open PRs: not merged.
  if (pr.merged === null) return false;
  // The REST list (`pull-request-simple`) has no `merged`, only `merged_at`.
  if (pr.merged === undefined) {
    if (pr.merged_at === null) return false;
    if (typeof pr.merged_at === 'string') return true;
    throw new PayloadError(`${path}.merged: expected true or false (or merged_at), found nothing`);
  }
  return bool(pr.merged, `${path}.merged`);
}

/** A fork is a head in another repository, or in one that was deleted (GitHub then sends `repo: null`). */
function isFork(head: Record<string, unknown>, base: Record<string, unknown>, path: string): boolean {
  const baseName = fullName(record(base.repo, `${path}.base.repo`), `${path}.base.repo.full_name`);
  if (head.repo === null) return true;
  const headName = fullName(record(head.repo, `${path}.head.repo`), `${path}.head.repo.full_name`);
  // GitHub names are case-insensitive: Acme/Shop and acme/shop are one repository.
  return headName.toLowerCase() !== baseName.toLowerCase();
}

function fullName(repo: Record<string, unknown>, path: string): string {
  const name = text(repo, 'full_name', path);
  if (name.length > MAX_FULL_NAME || !/^[^/\s]+\/[^/\s]+$/.test(name)) throw new PayloadError(`${path}: ${show(name)} is not owner/name`);
  return name;
}

function labels(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new PayloadError(`${path}: expected a list, found ${kind(value)}`);
  if (value.length > MAX_LABELS) throw new PayloadError(`${path}: ${value.length} labels, GitHub allows at most ${MAX_LABELS}`);
  return value.map((item, i) => labelName(record(item, `${path}[${i}]`).name, `${path}[${i}].name`));
}
