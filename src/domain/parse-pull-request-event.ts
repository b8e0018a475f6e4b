import { assertEnvRef, InvalidEnvRefError } from './environment.ts';
import type { PullRequestEvent, PullRequestSnapshot } from './pull-request.ts';

/** The `pull_request` actions that can change what a preview should be. */
export const PREVIEW_ACTIONS = [
  'opened',
  'reopened',
  'synchronize',
  'ready_for_review',
  'converted_to_draft',
  'labeled',
  'unlabeled',
  'closed',
  'edited',
] as const;

export type ParsedPullRequestEvent = { ok: true; event: PullRequestEvent } | { ok: false; reason: string };

const SHA_RE = /^[0-9a-f]{40}$/;
// GitHub logins, plus the `[bot]` suffix of GitHub Apps (dependabot[bot]). A login reaches commit
// trailers (Preview-Actor), so nothing else — no newline, no colon — may pass.
const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
// GitHub caps label names at 50 characters and a PR at 100 labels; more is not GitHub talking.
const MAX_LABEL = 50;
const MAX_LABELS = 100;
// Branch names are only ever values, but an unbounded string is not a branch GitHub would send.
const MAX_REF = 1024;
const MAX_FULL_NAME = 140;

/** A field of the payload is missing or not what GitHub sends; `path` names it. */
class PayloadError extends Error {
  override name = 'PayloadError';
}

/**
 * Reduces an untrusted `pull_request` webhook body to what the reconciler needs. Pure: every field is
 * type-checked, and any surprise comes back as `{ ok: false }` with the field's path, never as a throw.
 */
export function parsePullRequestEvent(payload: unknown, delivery: string): ParsedPullRequestEvent {
  try {
    return { ok: true, event: readEvent(payload, delivery) };
  } catch (err) {
    if (err instanceof PayloadError || err instanceof InvalidEnvRefError) return { ok: false, reason: err.message };
    throw err;
  }
}

function readEvent(payload: unknown, delivery: string): PullRequestEvent {
  const body = record(payload, 'payload');
  const action = text(body, 'action', 'action');
  if (!(PREVIEW_ACTIONS as readonly string[]).includes(action)) throw new PayloadError(`action ${show(action)} does not change previews`);
  // Only a new base branch matters among edits: a new title or body changes nothing deployed.
  if (action === 'edited' && optionalRecord(optionalRecord(body.changes, 'changes')?.base, 'changes.base') === undefined) {
    throw new PayloadError('action "edited" without a base change does not change previews');
  }

  const repository = record(body.repository, 'repository');
  const pr = record(body.pull_request, 'pull_request');
  const head = record(pr.head, 'pull_request.head');
  const base = record(pr.base, 'pull_request.base');

  const ref = {
    owner: text(record(repository.owner, 'repository.owner'), 'login', 'repository.owner.login'),
    repo: text(repository, 'name', 'repository.name'),
    pr: wholeNumber(pr.number, 'pull_request.number'),
  };
  assertEnvRef(ref);

  const headSha = text(head, 'sha', 'pull_request.head.sha');
  if (!SHA_RE.test(headSha)) throw new PayloadError(`pull_request.head.sha: ${show(headSha)} is not a commit sha (40 lower-case hexadecimal characters)`);
  const headRef = text(head, 'ref', 'pull_request.head.ref');
  if (headRef === '' || headRef.length > MAX_REF) throw new PayloadError(`pull_request.head.ref: expected a branch name of 1 to ${MAX_REF} characters`);

  const state = text(pr, 'state', 'pull_request.state');
  if (state !== 'open' && state !== 'closed') throw new PayloadError(`pull_request.state: ${show(state)} is not "open" or "closed"`);

  const snapshot: PullRequestSnapshot = {
    ...ref,
    state,
    // GitHub sends null for `merged` while mergeability is being computed on open PRs: not merged.
    merged: pr.merged === null ? false : bool(pr.merged, 'pull_request.merged'),
    draft: bool(pr.draft, 'pull_request.draft'),
    headSha,
    headRef,
    fork: isFork(head, base),
    author: login(record(pr.user, 'pull_request.user'), 'pull_request.user.login'),
    labels: labels(pr.labels),
    repoUrl: webUrl(repository.html_url, 'repository.html_url'),
  };
  const installation = optionalRecord(body.installation, 'installation');
  if (installation !== undefined) snapshot.installationId = wholeNumber(installation.id, 'installation.id');

  const event: PullRequestEvent = { action, snapshot, sender: login(record(body.sender, 'sender'), 'sender.login'), delivery };
  const label = optionalRecord(body.label, 'label');
  if (label !== undefined) event.label = labelName(label.name, 'label.name');
  return event;
}

/** A fork is a head in another repository, or in one that was deleted (GitHub then sends `repo: null`). */
function isFork(head: Record<string, unknown>, base: Record<string, unknown>): boolean {
  const baseName = fullName(record(base.repo, 'pull_request.base.repo'), 'pull_request.base.repo.full_name');
  if (head.repo === null) return true;
  const headName = fullName(record(head.repo, 'pull_request.head.repo'), 'pull_request.head.repo.full_name');
  // GitHub names are case-insensitive: Acme/Shop and acme/shop are one repository.
  return headName.toLowerCase() !== baseName.toLowerCase();
}

function fullName(repo: Record<string, unknown>, path: string): string {
  const name = text(repo, 'full_name', path);
  if (name.length > MAX_FULL_NAME || !/^[^/\s]+\/[^/\s]+$/.test(name)) throw new PayloadError(`${path}: ${show(name)} is not owner/name`);
  return name;
}

function labels(value: unknown): string[] {
  if (!Array.isArray(value)) throw new PayloadError(`pull_request.labels: expected a list, found ${kind(value)}`);
  if (value.length > MAX_LABELS) throw new PayloadError(`pull_request.labels: ${value.length} labels, GitHub allows at most ${MAX_LABELS}`);
  return value.map((item, i) => labelName(record(item, `pull_request.labels[${i}]`).name, `pull_request.labels[${i}].name`));
}

function labelName(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  if (value === '' || value.length > MAX_LABEL) throw new PayloadError(`${path}: expected a label name of 1 to ${MAX_LABEL} characters, found ${value.length}`);
  return value;
}

function login(user: Record<string, unknown>, path: string): string {
  const value = text(user, 'login', path);
  if (!LOGIN_RE.test(value)) throw new PayloadError(`${path}: ${show(value)} is not a GitHub login (letters, digits and hyphens, at most 39)`);
  return value;
}

function webUrl(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PayloadError(`${path}: ${show(value)} is not a URL`);
  }
  // http for GitHub Enterprise Server without TLS; credentials in a URL that reaches commits are never right.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || value.length > 2048) {
    throw new PayloadError(`${path}: ${show(value)} is not an http(s) repository URL`);
  }
  return value;
}

function wholeNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new PayloadError(`${path}: expected a whole number from 1, found ${kind(value)}`);
  }
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new PayloadError(`${path}: expected true or false, found ${kind(value)}`);
  return value;
}

function text(parent: Record<string, unknown>, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  return value;
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PayloadError(`${path}: expected an object, found ${kind(value)}`);
  return value as Record<string, unknown>;
}

function optionalRecord(value: unknown, path: string): Record<string, unknown> | undefined {
  return value === undefined ? undefined : record(value, path);
}

/** How a wrong value is named in a reason: its type, or a short quote of it. */
function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `text ${show(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A quoted, escaped and bounded rendering of untrusted text, safe to put in a log line. */
function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
