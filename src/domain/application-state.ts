import type { ArgoApplication } from './argo-application.ts';
import { asRecord, asString, errorConditions, externalUrl, healthFailure, oneLineMessage, operationFailure } from './argo-reasons.ts';

/** The states an Argo CD Application can put a committed environment in (DESIGN.md, "Preview states"). */
export type ApplicationState = 'committed' | 'deploying' | 'ready' | 'failed';

export interface ApplicationStateView {
  state: ApplicationState;
  /** Why, in words a developer reads in the PR: Argo CD's own reasons when failed. */
  reasons: string[];
  sync: string | null;
  health: string | null;
  /** `status.sync.revision`: the GitOps revision Argo CD compared against. */
  revision: string | null;
  /** The first external URL Argo CD found; null lets the caller fall back to the rendered host. */
  url: string | null;
  /** Something worth knowing that is not the reason for the state (the previous revision's problems). */
  note?: string;
}

export interface ApplicationStateInput {
  app: ArgoApplication | null;
  /** previewd's last commit for the environment. */
  lastCommit: string | null;
  /** Whether `status.sync.revision` is `lastCommit` or a descendant of it; null when not known (yet). */
  revisionContainsCommit: boolean | null;
  committedAt: Date | null;
  now: Date;
  /** How long an Application may take to appear before previewd says so (default 5 minutes). */
  pickupTimeoutMs?: number;
}

export const DEFAULT_PICKUP_TIMEOUT_MS = 5 * 60_000;

const FAILED_HEALTH = ['Degraded', 'Missing'];
const RUNNING_PHASES = ['Running', 'Terminating'];
const FAILED_PHASES = ['Failed', 'Error'];

/**
 * The environment's state from its Application. `ready` is DESIGN.md's definition and nothing less:
 * the Application exists, is Synced at a revision containing previewd's last commit, its last
 * operation Succeeded and it is Healthy. Health and operation failures count only once Argo CD has
 * seen previewd's commit: before that they describe an older revision, which the new commit may fix.
 */
export function applicationState(input: ApplicationStateInput): ApplicationStateView {
  if (input.app === null || typeof input.app !== 'object') return committed(input);
  const status = asRecord(asRecord(input.app).status);
  const sync = asString(asRecord(status.sync).status);
  const revision = asString(asRecord(status.sync).revision);
  const health = asString(asRecord(status.health).status);
  const op = asRecord(status.operationState);
  const phase = asString(op.phase);
  const base = { sync, health, revision, url: externalUrl(status) };
  const view = (state: ApplicationState, reasons: string[], note?: string): ApplicationStateView =>
    note === undefined ? { state, reasons, ...base } : { state, reasons, ...base, note };

  const current = input.revisionContainsCommit === true;
  const opFailed = phase !== null && FAILED_PHASES.includes(phase);
  const healthFailed = health !== null && FAILED_HEALTH.includes(health);
  // Argo CD has applied previewd's commit: Synced at it, or an operation finished at that very revision.
  const applied = current && (sync === 'Synced' ||
    (phase !== null && !RUNNING_PHASES.includes(phase) && asString(asRecord(op.syncResult).revision) === revision));

  // A running operation (a sync, or a retry of a failed one) may yet succeed; what failed before is a note.
  const conditions = errorConditions(status);
  if (phase !== null && RUNNING_PHASES.includes(phase)) {
    const message = asString(op.message);
    const reason = message === null ? 'Argo CD is syncing' : `Argo CD is syncing: ${oneLineMessage(message)}`;
    return view('deploying', [reason], conditions.length > 0 ? `Argo CD also reports ${conditions.join('; ')}` : undefined);
  }
  // An error condition is the controller's view of the spec now (ComparisonError, InvalidSpecError…):
  // it fails the environment even before Argo CD reaches previewd's commit, which it may never do.
  if (conditions.length > 0) {
    const more = [...(current && opFailed ? operationFailure(status) : []), ...(applied && healthFailed ? healthFailure(status) : [])];
    return view('failed', [...conditions, ...more]);
  }
  if (!current) {
    const why = input.revisionContainsCommit === false
      ? "Argo CD has not synced previewd's latest commit yet"
      : "previewd has not yet confirmed that Argo CD's revision contains its latest commit";
    const stale = [...(opFailed ? operationFailure(status) : []), ...(healthFailed ? healthFailure(status) : [])];
    const at = revision === null ? 'no revision' : `revision ${revision.slice(0, 7)}`;
    const reason = `${why} (${at}${input.lastCommit === null ? '' : `, previewd's commit ${input.lastCommit.slice(0, 7)}`})`;
    return view('deploying', [reason], stale.length > 0 ? `the revision Argo CD runs now: ${stale.join('; ')}` : undefined);
  }
  if (opFailed) return view('failed', [...operationFailure(status), ...(healthFailed ? healthFailure(status) : [])]);
  if (!applied) return view('deploying', [`Argo CD reports ${sync ?? 'no sync status'}: it has not applied previewd's latest commit yet`]);
  if (healthFailed) return view('failed', healthFailure(status));
  if (phase !== 'Succeeded') return view('deploying', ['Argo CD has not recorded a successful sync operation yet']);
  if (sync !== 'Synced') return view('deploying', [`Argo CD reports ${sync ?? 'no sync status'}: it has not applied previewd's latest commit yet`]);
  if (health !== 'Healthy') {
    const message = asString(asRecord(status.health).message);
    return view('deploying', [`health is ${health ?? 'not reported yet'}${message === null ? '' : `: ${oneLineMessage(message)}`}`]);
  }
  return view('ready', []);
}

function committed(input: ApplicationStateInput): ApplicationStateView {
  const timeout = input.pickupTimeoutMs ?? DEFAULT_PICKUP_TIMEOUT_MS;
  const waited = input.committedAt === null ? 0 : input.now.getTime() - input.committedAt.getTime();
  const reasons = waited < timeout ? [] : [
    `Argo CD has not created the Application ${minutes(waited)} after the commit: the ApplicationSet did not pick it up. ` +
      "Check the ApplicationSet controller's logs, and that the ApplicationSet's git generator has the GitOps " +
      "repository's URL and branch as its repoURL and revision, and a files path pattern matching this environment's " +
      'preview.json (previews/*/*/*/preview.json).',
  ];
  return { state: 'committed', reasons, sync: null, health: null, revision: null, url: null };
}

function minutes(ms: number): string {
  const n = Math.floor(ms / 60_000);
  if (n < 1) return `${Math.floor(ms / 1000)} seconds`;
  return n === 1 ? '1 minute' : `${n} minutes`;
}
