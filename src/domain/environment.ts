/**
 * The identity of one preview environment: a pull request of a repository.
 * Every path, name and commit previewd makes for an environment derives from this.
 */
import { gitRefusedName } from './git-refused-name.ts';

export interface EnvRef {
  owner: string;
  repo: string;
  pr: number;
}

export const PREVIEWS_DIR = 'previews';

// GitHub's own rules: owners are alphanumerics and single hyphens; repository names add '.' and '_'.
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_PR = 2147483647;

export class InvalidEnvRefError extends Error {
  override name = 'InvalidEnvRefError';
}

/** Throws unless `ref` names a repository and PR that GitHub could have sent. */
export function assertEnvRef(ref: EnvRef): void {
  if (!OWNER_RE.test(ref.owner)) {
    throw new InvalidEnvRefError(`owner ${JSON.stringify(ref.owner)} is not a GitHub account name (letters, digits and single hyphens, at most 39)`);
  }
  if (!REPO_RE.test(ref.repo) || ref.repo === '.' || ref.repo === '..') {
    throw new InvalidEnvRefError(`repository ${JSON.stringify(ref.repo)} is not a GitHub repository name (letters, digits, '.', '_' and '-', at most 100)`);
  }
  // Each becomes a folder name in the GitOps tree (lower-cased): one git refuses would stop every push
  // to a remote that checks objects, and every clone of the repository.
  for (const [what, name] of [['owner', ref.owner], ['repository', ref.repo]] as const) {
    const refused = gitRefusedName(name.toLowerCase());
    if (refused !== null) throw new InvalidEnvRefError(`${what} ${JSON.stringify(name)} cannot be a folder of the GitOps repository: it ${refused}; git refuses such a name`);
  }
  if (!Number.isSafeInteger(ref.pr) || ref.pr < 1 || ref.pr > MAX_PR) {
    throw new InvalidEnvRefError(`pull request number ${String(ref.pr)} is not a whole number from 1 to ${MAX_PR}`);
  }
}

/** `previews/<owner>/<repo>/pr-<n>`, lower-cased, no trailing slash. Validates the ref first. */
export function envFolder(ref: EnvRef): string {
  assertEnvRef(ref);
  return uncheckedEnvFolder(ref);
}

/**
 * envFolder without the checks, for a lookup in a map keyed by folder, where a ref that is not one
 * finds nothing: a list looks up each of 2,000 environments several times, and the checks (git's
 * refused names) cost more than the rest of the lookup.
 */
export function uncheckedEnvFolder(ref: EnvRef): string {
  return `${PREVIEWS_DIR}/${ref.owner.toLowerCase()}/${ref.repo.toLowerCase()}/pr-${ref.pr}`;
}

/** `owner/repo#n`, the way people write it. */
export function envLabel(ref: EnvRef): string {
  return `${ref.owner}/${ref.repo}#${ref.pr}`;
}

const FOLDER_RE = /^previews\/([^/]+)\/([^/]+)\/pr-([1-9][0-9]*)$/;

/** The environment a folder path belongs to, or null when it is not an environment folder. */
export function parseEnvFolder(folder: string): EnvRef | null {
  const m = FOLDER_RE.exec(folder);
  if (!m) return null;
  const ref = { owner: m[1] as string, repo: m[2] as string, pr: Number(m[3]) };
  try {
    assertEnvRef(ref);
  } catch {
    return null;
  }
  return ref;
}

const LABEL_RE = /^([^/\s#]+)\/([^/\s#]+)#([0-9]+)$/;

/** Parses `owner/repo#n` as typed on a command line. */
export function parseEnvLabel(text: string): EnvRef {
  const m = LABEL_RE.exec(text.trim());
  if (!m) throw new InvalidEnvRefError(`${JSON.stringify(text)} is not an environment: write it as owner/repo#number, e.g. acme/shop#42`);
  const ref = { owner: m[1] as string, repo: m[2] as string, pr: Number(m[3]) };
  assertEnvRef(ref);
  return ref;
}
