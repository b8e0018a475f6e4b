import type { KeyObject } from 'node:crypto';
import type { FakePull } from './pull-state.ts';

/** A collaborator's role, as `role_name` reports it. */
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface FakePullFile {
  filename: string;
  status: DiffStatus;
  previous_filename?: string;
  additions: number;
  deletions: number;
}

export interface FakeIssueEvent {
  id: number;
  /** `labeled`, `unlabeled`, ...: what GitHub puts in `event`. */
  event: 'labeled' | 'unlabeled';
  actor: string;
  label: { name: string; color: string };
  createdAt: string;
}

export interface FakeIssueComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeCommitStatus {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

/** The reactions GitHub offers on a comment. */
export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface FakeReaction {
  id: number;
  commentId: number;
  content: ReactionContent;
  user: string;
  createdAt: string;
}

/** A check run, as a CI app (GitHub Actions by default) reports it on a commit. */
export interface FakeCheckRun {
  id: number;
  sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  startedAt: string;
  completedAt: string | null;
  /** The app that made it: its slug (`github-actions`). */
  app: string;
  suiteId: number;
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface FakeDeploymentStatus {
  id: number;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  creator: string;
  createdAt: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  transient: boolean;
  production: boolean;
  creator: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest first. */
  statuses: FakeDeploymentStatus[];
}

/** One repository: files per ref, pull requests, issue events, collaborators, comments, statuses, deployments. */
export interface FakeRepoState {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** Archived repositories are listed, with `archived: true`. */
  archived: boolean;
  /** The App installation that covers this repository, if any. */
  installationId?: number;
  /** ref (branch or sha) → path → bytes. */
  files: Map<string, Map<string, Buffer>>;
  pullFiles: Map<number, FakePullFile[]>;
  issueEvents: Map<number, FakeIssueEvent[]>;
  /** lower-cased login → role. */
  roles: Map<string, RepoRole>;
  comments: FakeIssueComment[];
  /** Reactions on issue comments, oldest first. */
  reactions: FakeReaction[];
  statuses: FakeCommitStatus[];
  /** Oldest first. */
  checkRuns: FakeCheckRun[];
  /** Oldest first. */
  deployments: FakeDeployment[];
  pulls: Map<number, FakePull>;
}

export interface FakeApp {
  appId: number;
  slug: string;
  publicKey: KeyObject;
  /** installation id → account (owner login). */
  installations: Map<number, string>;
}

export interface FakeUser {
  login: string;
  id: number;
}

/** Everything the fake knows; tests change it through the fake's helpers or directly. */
export interface FakeGitHubState {
  repos: Map<string, FakeRepoState>;
  users: Map<string, FakeUser>;
  /** Lower-cased logins of the accounts that are organizations (the others are users). */
  orgs: Set<string>;
  /** Personal or OAuth tokens that authenticate. */
  tokens: Set<string>;
  apps: Map<number, FakeApp>;
  installationTokens: Map<string, { installationId: number; expiresAt: number }>;
  /** Source of ids for everything the fake creates (GitHub's ids are unique per kind; these are global). */
  ids: { next: number };
}

export function createState(): FakeGitHubState {
  return { repos: new Map(), users: new Map(), orgs: new Set(), tokens: new Set(), apps: new Map(), installationTokens: new Map(), ids: { next: 1000 } };
}

/** A time as GitHub writes it: ISO 8601 in UTC, whole seconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nextId(state: FakeGitHubState): number {
  state.ids.next += 1;
  return state.ids.next;
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

/** The user `login`, made on first mention (ids are stable within one fake). */
export function userOf(state: FakeGitHubState, login: string): FakeUser {
  const key = login.toLowerCase();
  let user = state.users.get(key);
  if (!user) {
    user = { login, id: nextId(state) };
    state.users.set(key, user);
  }
  return user;
}

export function ensureRepo(state: FakeGitHubState, fullName: string, options: { defaultBranch?: string; private?: boolean; archived?: boolean } = {}): FakeRepoState {
  const [owner, name, extra] = fullName.split('/');
  if (!owner || !name || extra !== undefined) throw new Error(`a repository is "owner/name", not "${fullName}"`);
  const key = repoKey(owner, name);
  let repo = state.repos.get(key);
  if (!repo) {
    userOf(state, owner);
    repo = {
      id: nextId(state), owner, name, defaultBranch: options.defaultBranch ?? 'main', private: options.private ?? true, archived: options.archived ?? false,
      files: new Map(), pullFiles: new Map(), issueEvents: new Map(), roles: new Map(), comments: [], reactions: [], statuses: [], checkRuns: [], deployments: [], pulls: new Map(),
    };
    state.repos.set(key, repo);
  }
  return repo;
}
