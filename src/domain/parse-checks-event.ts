import { assertEnvRef, InvalidEnvRefError } from './environment.ts';
import { kind, optionalRecord, PayloadError, record, show, text, wholeNumber } from './payload-fields.ts';
import { PREVIEWD_STATUS_CONTEXT } from './wait-for.ts';

/** The CI events that can end a `waitFor` wait. */
export const CHECKS_EVENTS = ['check_run', 'check_suite', 'status', 'workflow_run'] as const;
export type ChecksEventName = (typeof CHECKS_EVENTS)[number];

/**
 * "The checks of these head shas of this repository changed": all that a CI event tells previewd.
 * The reconciler re-plans the environments whose head sha is one of `shas`; `pulls` are the PR
 * numbers GitHub listed with the event (never those of forks: GitHub leaves them out), a hint only.
 */
export interface ChecksChanged {
  event: ChecksEventName;
  owner: string;
  repo: string;
  shas: string[];
  pulls: number[];
  installationId?: number;
  /** The check run's, suite's app, workflow's or status context's name, for the log. */
  name: string | null;
}

export type ParsedChecksEvent = { ok: true; change: ChecksChanged } | { ok: false; reason: string };

const SHA_RE = /^[0-9a-f]{40}$/;
// A check or context name goes only to the log, but unbounded text is not something GitHub sends.
const MAX_NAME = 1024;
const MAX_PULLS = 100;

export function isChecksEvent(name: string): name is ChecksEventName {
  return (CHECKS_EVENTS as readonly string[]).includes(name);
}

/**
 * Reduces an untrusted CI webhook body to the shas whose checks changed. Pure: every field used is
 * type-checked, and a surprise comes back as `{ ok: false }` naming the field, never as a throw.
 * Only `completed` runs, suites and workflows can end a wait; a `status` can at any state (a new
 * pending context is news to a waiting comment too) — except previewd's own, which it set itself.
 */
export function parseChecksEvent(name: ChecksEventName, payload: unknown): ParsedChecksEvent {
  try {
    return { ok: true, change: readEvent(name, payload) };
  } catch (err) {
    if (err instanceof PayloadError || err instanceof InvalidEnvRefError) return { ok: false, reason: err.message };
    throw err;
  }
}

function readEvent(event: ChecksEventName, payload: unknown): ChecksChanged {
  const body = record(payload, 'payload');
  const repository = record(body.repository, 'repository');
  const owner = text(record(repository.owner, 'repository.owner'), 'login', 'repository.owner.login');
  const repo = text(repository, 'name', 'repository.name');
  assertEnvRef({ owner, repo, pr: 1 });
  const installation = optionalRecord(body.installation, 'installation');
  const base = { event, owner, repo, ...(installation === undefined ? {} : { installationId: wholeNumber(installation.id, 'installation.id') }) };

  if (event === 'status') {
    const sha = headSha(body.sha, 'sha');
    const context = checkName(body.context, 'context');
    if (context === PREVIEWD_STATUS_CONTEXT) throw new PayloadError(`status ${show(context)} is previewd's own`);
    text(body, 'state', 'state');
    return { ...base, shas: [sha], pulls: [], name: context };
  }
  const action = text(body, 'action', 'action');
  if (action !== 'completed') throw new PayloadError(`action ${show(action)} does not end a build (only "completed" does)`);
  const key = event === 'check_run' ? 'check_run' : event === 'check_suite' ? 'check_suite' : 'workflow_run';
  const object = record(body[key], key);
  const sha = headSha(object.head_sha, `${key}.head_sha`);
  const pulls = pullNumbers(object.pull_requests, `${key}.pull_requests`);
  // For the log only. A check run always has a name; a workflow run's may be empty (GitHub then
  // shows the workflow's); a suite has its app's.
  const name = event === 'check_run' ? checkName(object.name, 'check_run.name')
    : event === 'check_suite' ? logName(optionalRecord(object.app ?? undefined, 'check_suite.app')?.slug)
    : logName(object.name) ?? logName(optionalRecord(body.workflow ?? undefined, 'workflow')?.name);
  return { ...base, shas: [sha], pulls, name };
}

function headSha(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  if (!SHA_RE.test(value)) throw new PayloadError(`${path}: ${show(value)} is not a commit sha (40 lower-case hexadecimal characters)`);
  return value;
}

function checkName(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  if (value === '' || value.length > MAX_NAME) throw new PayloadError(`${path}: expected a name of 1 to ${MAX_NAME} characters`);
  return value;
}

function logName(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_NAME) : null;
}

// `pull_requests` lists the PRs whose head is this sha in this repository (with base and head).
function pullNumbers(value: unknown, path: string): number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PayloadError(`${path}: expected a list, found ${kind(value)}`);
  if (value.length > MAX_PULLS) throw new PayloadError(`${path}: more than ${MAX_PULLS} pull requests`);
  const numbers = value.map((pr, i) => wholeNumber(record(pr, `${path}[${i}]`).number, `${path}[${i}].number`));
  return [...new Set(numbers)].sort((a, b) => a - b);
}
