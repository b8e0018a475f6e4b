import type { CommitMeta } from '../domain/commit-message.ts';
import type { EnvRef } from '../domain/environment.ts';
import type { FileChange } from '../domain/file-change.ts';
import type { FolderRecord } from '../domain/folder-record.ts';
import type { RollbackTarget } from '../domain/plan-types.ts';

/** One environment's change: files written or removed under its folder, and why. */
export interface ChangeSet {
  env: EnvRef;
  /** Paths are repository-relative and must lie under `previews/<owner>/<repo>/pr-<n>/`. */
  changes: readonly FileChange[];
  meta: CommitMeta;
  /**
   * The tip the change was planned on (`head()` before the facts were read). When given, the commit is
   * made only if the environment's folder at the current tip is still what it was there: a fetch (a
   * push's retry, another writer's) may have brought someone else's change to it since, and a plan made
   * without it must not be applied over it. Otherwise the result is `moved`, and nothing is committed.
   */
  basedOn?: string | null;
}

/** The outcome of making one local commit. */
export type CommitResult =
  | { status: 'committed'; commit: string; env: EnvRef }
  /** The change wrote what is already there: no commit was made. */
  | { status: 'unchanged'; env: EnvRef }
  /** The folder changed since `basedOn`: no commit was made; plan again on the current tip. */
  | { status: 'moved'; env: EnvRef };

/** A commit of previewd's that reached the remote (after any replay, under a new id). */
export interface PublishedCommit {
  env: EnvRef;
  /** The id `commit()` returned. */
  local: string;
  /** The id on the remote. */
  commit: string;
  /** The commit's subject (`preview(acme/shop#42): update to 1a2b3c4`). */
  subject: string;
}

/**
 * Someone else changed an environment's folder on the remote while previewd's commits for it were
 * unpublished. Their version stands; previewd's commits for that environment were dropped.
 */
export interface EnvConflict {
  env: EnvRef;
  /** The ids `commit()` returned for the dropped commits. */
  dropped: string[];
  /** The remote tip that holds the other version. */
  remoteTip: string;
}

export interface PublishResult {
  published: PublishedCommit[];
  conflicts: EnvConflict[];
  /** How many times the remote had moved and previewd fetched and replayed. */
  retries: number;
}

/** An environment as it stands in the tree. */
export interface EnvEntry {
  env: EnvRef;
  folder: string;
  /** The folder's tree id: equal ids mean equal content. */
  tree: string;
}

/** One commit in an environment's history, newest first (the domain's record of it). */
export type HistoryRecord = FolderRecord;

/** What one commit changed, by environment (`GitOpsStore.commitEnvironments`). */
export type CommitEnvironments =
  | { found: false; reason: string }
  | { found: true; commit: string; envs: EnvRef[]; /** It changed files outside previews/ too. */ outside: boolean };

/**
 * The GitOps repository: the only state previewd has. Writes (`commit`, `revert`, `publish`) are
 * serialized in the process; reads never wait behind them and see the newest local commit.
 */
export interface GitOpsStore {
  /** Makes one local commit for one environment, or none when nothing changes. Refuses paths outside its folder. */
  commit(change: ChangeSet): Promise<CommitResult>;
  /**
   * Restores the environment's folder to its content at `target` (a commit that changed it) in a new
   * commit with `Preview-Action: rollback`.
   */
  revert(env: EnvRef, target: string, meta: Omit<CommitMeta, 'action' | 'target'>): Promise<CommitResult>;
  /**
   * Pushes every unpublished commit. When the remote moved, fetches, replays previewd's own commits on
   * the new tip and retries with backoff. Never force-pushes. Calls that arrive while a publish waits join it.
   */
  publish(): Promise<PublishResult>;
  /**
   * Fetches the branch from the remote and rebuilds previewd's unpublished commits on it; an
   * environment someone else changed meanwhile comes back as a conflict (its commits dropped), for
   * the reconciler to plan again on the new tip.
   */
  fetch(): Promise<{ conflicts: EnvConflict[] }>;
  /**
   * `target` (a full or abbreviated commit id) as a rollback target for the environment: found only
   * when it is in the branch's history and changed the folder; otherwise a reason a person can act on.
   * With `before`, the target is the folder as it was just before that commit (a revert of it).
   */
  rollbackTarget(env: EnvRef, target: string, options?: { before?: boolean }): Promise<RollbackTarget>;
  /**
   * The environments whose folders commit `target` (a full or abbreviated id in the branch's history)
   * changed against its first parent, and whether it changed anything outside previews/; a reason a person
   * can act on when there is no such commit.
   */
  commitEnvironments(target: string): Promise<CommitEnvironments>;
  /**
   * How many environment folders the newest local tree (or commit `at`) holds in the repositories
   * `inRepo` accepts (owner and repo as the folder names them): reads only those repositories' trees.
   */
  countEnvironments(inRepo: (owner: string, repo: string) => boolean, at?: string | null): Promise<number>;
  /** Every environment folder in the newest local tree (or at commit `at`). */
  listEnvironments(at?: string | null): Promise<EnvEntry[]>;
  /** The files of an environment (paths relative to its folder), or null when it has none. */
  readEnvironment(env: EnvRef, at?: string): Promise<Map<string, string> | null>;
  /** A file anywhere in the tree (e.g. `previewd.yaml`), or null. */
  readFile(path: string, at?: string): Promise<string | null>;
  /** The environment's commits, newest first (`git log --first-parent -- <folder>`), from the tip or `from`. */
  history(env: EnvRef, options?: { limit?: number; from?: string | null; maxCommits?: number }): Promise<HistoryRecord[]>;
  /**
   * Whether a commit of the branch (the newest few thousand, and every one since) carries
   * `Preview-Delivery: delivery`: an event previewd applied before. Each commit is read once, so asking
   * this for every new PR costs what a history walk would cost once.
   */
  hasDelivery(delivery: string): Promise<boolean>;
  /**
   * How many first-parent steps lead from `from` down to `ancestor` (0 when equal), or null when
   * `ancestor` is not within `max` of them (history rewritten by a replay, a merge, a long way back):
   * what a view of an older tip can carry over to a newer one.
   */
  stepsBetween(from: string, ancestor: string, max: number): Promise<number | null>;
  /**
   * Whether `revision` (e.g. what Argo CD synced) is `commit` or a descendant of it: other
   * environments' commits move the branch on. Fetches once when the revision is unknown locally;
   * null when it is still unknown.
   */
  contains(revision: string, commit: string): Promise<boolean | null>;
  /** The newest local commit id, or null for an empty repository. */
  head(): Promise<string | null>;
  /** Commits not yet on the remote. */
  pendingCount(): Promise<number>;
}
