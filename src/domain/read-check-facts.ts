import type { CheckRunFact, StatusFact } from './build-verdict.ts';
import { kind, PayloadError, record, text, wholeNumber } from './payload-fields.ts';

const RUN_STATUSES = new Set(['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending']);
const STATUS_STATES = new Set(['pending', 'success', 'failure', 'error']);
const MAX_NAME = 1024;

/**
 * A `check-run` object of the REST API (or a `check_run` webhook's), reduced to what a wait needs.
 * Throws `PayloadError` naming the field when GitHub sent something else: a wait that misread a run
 * could deploy a failed build.
 */
export function readCheckRun(raw: unknown, path = 'check_run'): CheckRunFact {
  const run = record(raw, path);
  const status = text(run, 'status', `${path}.status`);
  if (!RUN_STATUSES.has(status)) throw new PayloadError(`${path}.status: ${kind(status)} is not a check run status`);
  const conclusion = run.conclusion ?? null;
  if (conclusion !== null && typeof conclusion !== 'string') throw new PayloadError(`${path}.conclusion: expected text or null, found ${kind(conclusion)}`);
  if (status === 'completed' && conclusion === null) throw new PayloadError(`${path}.conclusion: a completed run has a conclusion, found null`);
  return {
    id: wholeNumber(run.id, `${path}.id`),
    name: name(run.name, `${path}.name`),
    status,
    conclusion,
    url: optionalText(run.html_url, `${path}.html_url`) ?? optionalText(run.details_url, `${path}.details_url`),
    startedAt: optionalText(run.started_at, `${path}.started_at`),
  };
}

/** One entry of a combined status's `statuses` (`simple-commit-status`). */
export function readCommitStatus(raw: unknown, path = 'status'): StatusFact {
  const s = record(raw, path);
  const state = text(s, 'state', `${path}.state`);
  if (!STATUS_STATES.has(state)) throw new PayloadError(`${path}.state: ${kind(state)} is not a commit status state`);
  return {
    context: name(s.context, `${path}.context`),
    state: state as StatusFact['state'],
    url: optionalText(s.target_url, `${path}.target_url`),
    since: optionalText(s.created_at, `${path}.created_at`),
  };
}

function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_NAME) throw new PayloadError(`${path}: expected a name of 1 to ${MAX_NAME} characters, found ${kind(value)}`);
  return value;
}

// GitHub sends "" or null for a URL never set.
function optionalText(value: unknown, path: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text or null, found ${kind(value)}`);
  return value;
}
