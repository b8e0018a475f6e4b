import type { CommitMeta } from './commit-message.ts';
import type { Checked, ConfigProblem } from './config-problem.ts';
import type { BuildWaitOutcome } from './build-wait-outcome.ts';
import type { AppRegistration, PreviewConfig, ServiceConfig } from './config-types.ts';
import type { SchemaCheck } from './config-validators.ts';
import type { EnvRef } from './environment.ts';
import type { FileChange, FileSet } from './file-change.ts';
import type { FolderRecord } from './folder-record.ts';
import type { PreviewCommand } from './preview-command.ts';
import type { PreviewJson } from './preview-json.ts';
import type { PullRequestSnapshot } from './pull-request.ts';
import type { RenderTemplates } from './render-overlay.ts';
import type { BuildWaitView } from './render-build-wait.ts';

/** What asks for the environment to be planned: the PR as it is now, or an explicit action. */
export type Trigger =
  | {
    kind: 'sync';
    snapshot: PullRequestSnapshot;
    actor: string;
    delivery?: string;
    /** `pull_request.opened`, `resync`, … */
    cause: string;
    /** A PR event that speaks for the PR as it is now (a push, a reopen, a close); false for the resync and labels. */
    override: boolean;
  }
  | {
    kind: 'action';
    action: PreviewCommand | { kind: 'expire' };
    actor: string;
    delivery?: string;
    cause: string;
    /** The app repository's URL when the caller knows it (a comment's payload). */
    repoUrl?: string;
  };

/** The folder as a rollback target: the commit named, and what the folder held after it. */
export type RollbackTarget =
  | { found: false; reason: string }
  | {
    found: true;
    /** The full commit id. */
    commit: string;
    /** The folder's files after it, or null when it removed the folder. */
    files: FileSet | null;
    /** Its `Preview-Sha` trailer, when it has one. */
    sha: string | null;
    /** For a revert: the commit undone (`commit` is then its first parent, whose content comes back). */
    reverts?: string;
  };

/**
 * The build of the head sha a `waitFor` app waits for: GitHub's verdict on it, or why previewd could
 * not ask (no GitHub credentials). Null when no wait applies (no `waitFor`, or that sha is deployed).
 */
export type BuildFact =
  | { sha: string; outcome: BuildWaitOutcome }
  | { sha: string; unavailable: string };

/**
 * Everything `plan` may need about one environment, gathered once from a fresh view. Facts that cost a
 * GitHub call are gathered only when they can matter, and are null otherwise.
 */
export interface PlanFacts {
  env: EnvRef;
  now: Date;
  /** `previewd.yaml`, or every problem with it (then nothing changes until it is fixed). */
  service: Checked<ServiceConfig>;
  /** The app's registration in previewd.yaml, or null. */
  app: AppRegistration | null;
  /** Whether ALLOWED_REPOS lets previewd deploy this repository. */
  allowed: boolean;
  /** The folder's files on the GitOps tip, or null when it does not exist. */
  current: FileSet | null;
  /** Its preview.json, the usable fields of it (a hand edit may have left some out), and its problems. */
  previous: Partial<PreviewJson> | null;
  previousProblems: ConfigProblem[];
  /** The folder's newest commits, newest first (a few: enough for stickiness and the default rollback). */
  records: FolderRecord[];
  /** The PR as GitHub has it now: the trigger's snapshot, or read for an action; null when unknown. */
  pull: PullRequestSnapshot | null;
  /** The PR's `.github/preview.yaml` at its head; null when not read (closed PR, unregistered repo). */
  config: Checked<PreviewConfig> | null;
  /** Whether the person who last added the fork label has write access; null when not asked or unknown. */
  labelApproved: boolean | null;
  /** Files the PR changes; null when `.github/preview.yaml` has no `paths` (or GitHub is off). */
  changedFiles: readonly string[] | null;
  /** Environments of the same app in the tree (this one excluded). */
  running: number;
  /** PRs of the same app ahead of this one in the waiting line. */
  waitingAhead: number;
  /** For a rollback: the target, resolved against the folder's history. */
  rollback: RollbackTarget | null;
  /** For a deploy of an app with `waitFor`: the head sha's build; null when no wait applies. */
  build: BuildFact | null;
  templates: RenderTemplates;
  checkPreviewJson: SchemaCheck;
}

/** The state a plan reports for the environment (DESIGN.md's states, plus the reasons for no change). */
export type PlannedState = 'building' | 'committed' | 'sleeping' | 'rolled-back' | 'destroyed' | 'waiting' | 'refused' | 'skipped' | 'failed';

/** What an explicit action's caller is told (the API's answer, the PR comment's reaction). */
export type PlannedAnswer = 'unchanged' | 'refused' | 'not-found';

/** What to do with the environment: the plan's decision, as data. */
export type Plan =
  | {
    kind: 'commit';
    changes: FileChange[];
    meta: CommitMeta;
    state: 'committed' | 'sleeping' | 'rolled-back';
    preview: PreviewJson | null;
    reason?: string;
    /** A new environment takes its slot: it leaves the waiting line. */
    leavesLine: boolean;
    /** The PR was just opened and had no environment: previewd cannot have commented on it yet. */
    firstReport: boolean;
  }
  | {
    kind: 'destroy';
    meta: CommitMeta;
    reason: string;
    /** The app whose first waiting PR may now take the freed slot. */
    freesSlotOf: string | null;
  }
  | {
    kind: 'skip';
    state: PlannedState;
    reason: string;
    answer: PlannedAnswer;
    problems?: ConfigProblem[];
    /** The environment already is what was asked: its last commit stands as the reported one. */
    unchanged?: boolean;
    preview?: PreviewJson | null;
    /** The commit whose word stands (a person's, or a sticky action's). */
    standing?: FolderRecord;
    /** Nothing to report: the environment's reported state stays what it was (a refused command). */
    quiet?: boolean;
  }
  | { kind: 'wait'; app: string; limit: number; place: number; reason: string }
  | {
    /** The head sha is not deployed until its build passes (`waitFor`): nothing is committed for it. */
    kind: 'hold';
    sha: string;
    /** `building` while it waits; `failed` when a check failed, the wait timed out or cannot be checked. */
    state: 'building' | 'failed';
    reason: string;
    /** What the PR comment shows of the wait (null when the build could not be asked about). */
    build: BuildWaitView | null;
    /** The PR was just opened and had no environment: previewd cannot have commented on it yet. */
    firstReport: boolean;
  };
