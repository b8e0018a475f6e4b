import { setPull, type FakePull, type FakePullInput } from './pull-state.ts';
import { isoSeconds, nextId, userOf, type DiffStatus, type FakeCheckRun, type FakeCommitStatus, type FakeDeployment, type FakeDeploymentStatus, type FakeGitHubState, type FakeIssueComment, type FakeReaction, type FakeRepoState, type RepoRole } from './state.ts';

/** A pull request's changed file: a path, or a path with its status (and old path, for a rename). */
export type PullFileInput = string | { filename: string; status?: DiffStatus; previous_filename?: string };

/** A check run as a test starts it: in progress unless said otherwise. */
export interface CheckRunInput {
  name: string;
  status?: FakeCheckRun['status'];
  conclusion?: FakeCheckRun['conclusion'];
  app?: string;
  at?: Date;
}

/** A commit status as a CI system (not previewd) sets it. */
export interface CiStatusInput {
  context: string;
  state: FakeCommitStatus['state'];
  targetUrl?: string | null;
  description?: string | null;
  creator?: string;
  at?: Date;
}

/** Test-side handle on one repository of the fake: set it up, and read back what was written to it. */
export interface FakeRepo {
  readonly state: FakeRepoState;
  /** Puts a file at `ref` (a branch or a sha; each ref is its own snapshot). */
  setFile(ref: string, path: string, content: string | Buffer): FakeRepo;
  setPullFiles(pr: number, files: readonly PullFileInput[]): FakeRepo;
  /** Creates or replaces pull request `n` (open by default); each call moves its `updated_at` on. */
  setPull(n: number, input: FakePullInput): FakeRepo;
  /** Pull request `n` as the fake holds it. */
  pull(n: number): FakePull | undefined;
  setArchived(archived: boolean): FakeRepo;
  /** Appends a `labeled` (or `unlabeled`) event by `actor` to the issue's timeline. */
  addLabelEvent(issue: number, label: string, actor: string, event?: 'labeled' | 'unlabeled'): FakeRepo;
  setRole(login: string, role: RepoRole): FakeRepo;
  /** Makes the repository part of an App installation (installation tokens of others get 404). */
  setInstallation(installationId: number): FakeRepo;
  /** A comment by `user` (default `octocat`), as if written in the browser. */
  addComment(issue: number, body: string, user?: string): FakeRepo;
  /** Deletes a comment, as a person would in the browser: a later PATCH of it gets 404. */
  deleteComment(id: number): FakeRepo;
  /** The issue's (or pull request's) comments, oldest first. */
  comments(issue: number): FakeIssueComment[];
  /** Reactions on one comment, oldest first. */
  reactions(commentId: number): FakeReaction[];
  /** Every Deployment, oldest first, each with its statuses. */
  deployments(): FakeDeployment[];
  /** One Deployment's statuses, oldest first (GitHub lists them newest first); [] for an unknown id. */
  deploymentStatuses(deploymentId: number): FakeDeploymentStatus[];
  /** The commit statuses set on `sha`, oldest first. */
  commitStatuses(sha: string): FakeCommitStatus[];
  /** A check run on `sha` (a re-run is another run of the same name); returns it, to update. */
  addCheckRun(sha: string, input: CheckRunInput): FakeCheckRun;
  /** Moves a check run on; `completed` sets its completion time. */
  updateCheckRun(id: number, change: { status?: FakeCheckRun['status']; conclusion?: FakeCheckRun['conclusion']; at?: Date }): FakeCheckRun;
  /** A commit status that CI set on `sha` (by `ci-bot` unless `creator` says otherwise). */
  addCiStatus(sha: string, input: CiStatusInput): FakeRepo;
}

/** The handle on `repo`, whose helpers write into the fake's shared `state`. */
export function repoHandle(state: FakeGitHubState, repo: FakeRepoState): FakeRepo {
  const handle: FakeRepo = {
    state: repo,
    setFile(ref, path, content) {
      let tree = repo.files.get(ref);
      if (!tree) repo.files.set(ref, (tree = new Map()));
      tree.set(path, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
      return handle;
    },
    setPullFiles(pr, files) {
      repo.pullFiles.set(pr, files.map((f) => {
        const file = typeof f === 'string' ? { filename: f } : f;
        return { status: file.previous_filename ? 'renamed' : 'modified', additions: 1, deletions: 1, ...file };
      }));
      return handle;
    },
    setPull(n, input) {
      setPull(state, repo, n, input);
      return handle;
    },
    pull: (n) => repo.pulls.get(n),
    setArchived(archived) {
      repo.archived = archived;
      return handle;
    },
    addLabelEvent(issue, label, actor, event = 'labeled') {
      const events = repo.issueEvents.get(issue) ?? [];
      userOf(state, actor);
      events.push({ id: nextId(state), event, actor, label: { name: label, color: 'ededed' }, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, events.length)).toISOString().replace('.000', '') });
      repo.issueEvents.set(issue, events);
      return handle;
    },
    setRole(login, role) {
      userOf(state, login);
      repo.roles.set(login.toLowerCase(), role);
      return handle;
    },
    setInstallation(installationId) {
      repo.installationId = installationId;
      return handle;
    },
    addComment(issue, body, user = 'octocat') {
      userOf(state, user);
      const at = isoSeconds(new Date(Date.UTC(2026, 0, 1, 0, 0, repo.comments.length)));
      repo.comments.push({ id: nextId(state), issueNumber: issue, body, user, createdAt: at, updatedAt: at });
      return handle;
    },
    deleteComment(id) {
      repo.comments = repo.comments.filter((c) => c.id !== id);
      repo.reactions = repo.reactions.filter((r) => r.commentId !== id);
      return handle;
    },
    comments: (issue) => repo.comments.filter((c) => c.issueNumber === issue),
    reactions: (commentId) => repo.reactions.filter((r) => r.commentId === commentId),
    deployments: () => [...repo.deployments],
    deploymentStatuses: (deploymentId) => [...(repo.deployments.find((d) => d.id === deploymentId)?.statuses ?? [])],
    commitStatuses: (sha) => repo.statuses.filter((s) => s.sha === sha),
    addCheckRun(sha, input) {
      const at = isoSeconds(input.at ?? new Date());
      const status = input.status ?? (input.conclusion ? 'completed' : 'in_progress');
      const app = input.app ?? 'github-actions';
      // One suite per app and commit, as GitHub makes them.
      const suiteId = repo.checkRuns.find((r) => r.sha === sha && r.app === app)?.suiteId ?? nextId(state);
      const run: FakeCheckRun = {
        id: nextId(state), sha, name: input.name, status, conclusion: status === 'completed' ? (input.conclusion ?? 'success') : null,
        startedAt: at, completedAt: status === 'completed' ? at : null, app, suiteId,
      };
      repo.checkRuns.push(run);
      return run;
    },
    updateCheckRun(id, change) {
      const run = repo.checkRuns.find((r) => r.id === id);
      if (!run) throw new Error(`no check run ${id} in ${repo.owner}/${repo.name}`);
      if (change.status) run.status = change.status;
      if (change.conclusion !== undefined) run.conclusion = change.conclusion;
      if (run.status === 'completed') {
        run.conclusion ??= 'success';
        run.completedAt = isoSeconds(change.at ?? new Date());
      }
      return run;
    },
    addCiStatus(sha, input) {
      const creator = input.creator ?? 'ci-bot';
      userOf(state, creator);
      const at = isoSeconds(input.at ?? new Date());
      repo.statuses.push({
        id: nextId(state), sha, state: input.state, context: input.context, description: input.description ?? null,
        targetUrl: input.targetUrl ?? null, creator, createdAt: at, updatedAt: at,
      });
      return handle;
    },
  };
  return handle;
}
