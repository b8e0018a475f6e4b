import { PREVIEWD_STATUS_CONTEXT, type CompiledWaitFor } from './wait-for.ts';

/** A check run on the head sha, reduced from GitHub's `check-run` object. */
export interface CheckRunFact {
  id: number;
  name: string;
  /** `queued`, `in_progress`, `completed`, `waiting`, `requested` or `pending`. */
  status: string;
  /** Set once completed: `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`, `action_required`, `stale`, `startup_failure`. */
  conclusion: string | null;
  /** `html_url` (the run's page), else `details_url`. */
  url: string | null;
  startedAt: string | null;
}

/** A commit status context's latest state on the head sha (from the combined status). */
export interface StatusFact {
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  /** `target_url`. */
  url: string | null;
  /** `created_at` of the latest status of the context. */
  since: string | null;
}

/** Whether an image tag exists in its registry (asked only once the checks pass). */
export interface ImageFact {
  /** `registry/name:tag`. */
  ref: string;
  exists: boolean;
}

/** One thing the wait is still waiting for. */
export interface PendingCheck {
  /** The check run's name, the status's context, the glob nothing matched yet, or the image ref. */
  name: string;
  kind: 'check' | 'status' | 'expected' | 'image';
  /** GitHub's word (`queued`, `in_progress`, `pending`…), `expected` for a glob nothing matched, `missing` for an image. */
  state: string;
  url: string | null;
  since: string | null;
}

export interface FailedCheck {
  name: string;
  kind: 'check' | 'status';
  /** The check run's conclusion (`failure`, `timed_out`, …) or the status's state (`failure`, `error`). */
  conclusion: string;
  url: string | null;
}

export type BuildVerdict =
  /** `needsImages`: the checks passed and the image tags must be looked up now (facts.images absent). */
  | { verdict: 'wait'; pending: PendingCheck[]; deadline: string; needsImages: boolean }
  | { verdict: 'pass' }
  | { verdict: 'fail'; failed: FailedCheck }
  | { verdict: 'timed-out'; pending: PendingCheck[]; deadline: string };

export interface BuildFacts {
  checkRuns: readonly CheckRunFact[];
  statuses: readonly StatusFact[];
  /** Absent: not looked up (yet). Only read when `waitFor.image` is set. */
  images?: readonly ImageFact[];
  /** When previewd first saw this head sha waiting. */
  startedAt: Date;
  now: Date;
}

// GitHub's branch protection counts these as passing; everything else a completed run can say fails.
const PASSING = new Set(['success', 'neutral', 'skipped']);

/**
 * Whether a head sha may be deployed: every check run and commit status a glob matches must have
 * succeeded, and every glob must match something. A failure decides at once (waiting longer cannot
 * make "all must succeed" true); otherwise the wait goes on until `startedAt + timeout`. Re-runs leave
 * several runs of one name: the newest counts. previewd's own status never counts.
 */
export function buildVerdict(wait: CompiledWaitFor, facts: BuildFacts): BuildVerdict {
  const runs = newestPerName(facts.checkRuns);
  const statuses = facts.statuses.filter((s) => s.context !== PREVIEWD_STATUS_CONTEXT);
  const pending: PendingCheck[] = [];
  const seen = new Set<string>();
  for (const { glob, matches } of wait.checks) {
    const matchedRuns = runs.filter((r) => matches(r.name));
    const matchedStatuses = statuses.filter((s) => matches(s.context));
    if (matchedRuns.length === 0 && matchedStatuses.length === 0) {
      pending.push({ name: glob, kind: 'expected', state: 'expected', url: null, since: null });
      continue;
    }
    for (const run of matchedRuns) {
      if (seen.has(`c:${run.name}`)) continue;
      seen.add(`c:${run.name}`);
      if (run.status === 'completed') {
        const conclusion = run.conclusion ?? 'unknown';
        if (!PASSING.has(conclusion)) return { verdict: 'fail', failed: { name: run.name, kind: 'check', conclusion, url: run.url } };
      } else {
        pending.push({ name: run.name, kind: 'check', state: run.status, url: run.url, since: run.startedAt });
      }
    }
    for (const status of matchedStatuses) {
      if (seen.has(`s:${status.context}`)) continue;
      seen.add(`s:${status.context}`);
      if (status.state === 'failure' || status.state === 'error') {
        return { verdict: 'fail', failed: { name: status.context, kind: 'status', conclusion: status.state, url: status.url } };
      }
      if (status.state === 'pending') pending.push({ name: status.context, kind: 'status', state: 'pending', url: status.url, since: status.since });
    }
  }
  const deadline = new Date(facts.startedAt.getTime() + wait.timeoutMs);
  let needsImages = false;
  if (pending.length === 0 && wait.image) {
    if (facts.images === undefined) needsImages = true;
    else for (const image of facts.images) if (!image.exists) pending.push({ name: image.ref, kind: 'image', state: 'missing', url: null, since: null });
  }
  if (pending.length === 0 && !needsImages) return { verdict: 'pass' };
  // Checks passed and the images are not looked up yet: the caller looks, then asks again — even past
  // the deadline, so that a timed-out verdict always names what never came.
  if (needsImages) return { verdict: 'wait', pending, deadline: deadline.toISOString(), needsImages };
  if (facts.now.getTime() >= deadline.getTime()) return { verdict: 'timed-out', pending, deadline: deadline.toISOString() };
  return { verdict: 'wait', pending, deadline: deadline.toISOString(), needsImages: false };
}

// Newest by start time, then by id (GitHub's ids grow); a run not started yet is newer than any started.
function newestPerName(runs: readonly CheckRunFact[]): CheckRunFact[] {
  const byName = new Map<string, CheckRunFact>();
  for (const run of runs) {
    const held = byName.get(run.name);
    if (held === undefined || newer(run, held)) byName.set(run.name, run);
  }
  return [...byName.values()];
}

function newer(a: CheckRunFact, b: CheckRunFact): boolean {
  const ta = a.startedAt === null ? Infinity : Date.parse(a.startedAt);
  const tb = b.startedAt === null ? Infinity : Date.parse(b.startedAt);
  return ta !== tb ? ta > tb : a.id > b.id;
}
