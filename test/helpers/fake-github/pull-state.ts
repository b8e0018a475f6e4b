import { isoSeconds, nextId, userOf, type FakeGitHubState, type FakeRepoState } from './state.ts';

/** One pull request of the fake. */
export interface FakePull {
  number: number;
  id: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  title: string;
  /** Full head commit sha. */
  headSha: string;
  headRef: string;
  baseRef: string;
  labels: string[];
  /** The author's login. */
  user: string;
  /** The head repository's owner when the head lives in a fork; null for a branch of the repository. */
  forkOwner: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

/** What a test says about a pull request; the rest takes GitHub-like defaults. */
export interface FakePullInput {
  headSha: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  headRef?: string;
  baseRef?: string;
  labels?: readonly string[];
  /** Default `octocat`. */
  user?: string;
  /** true: the head is in the author's fork; a login: in that account's fork. */
  fork?: boolean | string;
  title?: string;
}

const SHA_RE = /^[0-9a-f]{40}$/;
// The fake's clock for pull requests: creation follows the number, so newest first is highest first.
const EPOCH = Date.UTC(2026, 0, 1);

/** Creates or replaces pull request `n`, as a push, a label or a close on GitHub would leave it. */
export function setPull(state: FakeGitHubState, repo: FakeRepoState, n: number, input: FakePullInput): FakePull {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`a pull request number is a whole number from 1, not ${n}`);
  if (!SHA_RE.test(input.headSha)) throw new Error(`headSha must be 40 lower-case hex characters, not ${input.headSha}`);
  const user = input.user ?? 'octocat';
  userOf(state, user);
  const forkOwner = input.fork === true ? user : typeof input.fork === 'string' ? input.fork : null;
  if (forkOwner !== null) userOf(state, forkOwner);
  const earlier = repo.pulls.get(n);
  // Every change moves updated_at on, as on GitHub, so the list's content (and its ETag) changes.
  const updatedAt = isoSeconds(new Date(EPOCH + 86_400_000 + nextId(state) * 1000));
  const closed = (input.state ?? 'open') === 'closed';
  const merged = closed && (input.merged ?? false);
  const pull: FakePull = {
    number: n,
    id: earlier?.id ?? nextId(state),
    state: closed ? 'closed' : 'open',
    merged,
    draft: input.draft ?? false,
    title: input.title ?? `Pull request ${n}`,
    headSha: input.headSha,
    headRef: input.headRef ?? `feature-${n}`,
    baseRef: input.baseRef ?? repo.defaultBranch,
    labels: [...(input.labels ?? [])],
    user,
    forkOwner,
    createdAt: earlier?.createdAt ?? isoSeconds(new Date(EPOCH + n * 1000)),
    updatedAt,
    closedAt: closed ? (earlier?.closedAt ?? updatedAt) : null,
    mergedAt: merged ? (earlier?.mergedAt ?? updatedAt) : null,
  };
  repo.pulls.set(n, pull);
  return pull;
}
