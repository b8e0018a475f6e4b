import { InvalidEnvRefError } from './environment.ts';
import { login, optionalRecord, PayloadError, record, show, text, wholeNumber } from './payload-fields.ts';
import type { PullRequestEvent, PullRequestSnapshot } from './pull-request.ts';
import { labelName, readPullRequest } from './read-pull-request.ts';

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
  const snapshot: PullRequestSnapshot = readPullRequest(pr, repository, 'pull_request', 'repository');
  const installation = optionalRecord(body.installation, 'installation');
  if (installation !== undefined) snapshot.installationId = wholeNumber(installation.id, 'installation.id');

  const event: PullRequestEvent = { action, snapshot, sender: login(record(body.sender, 'sender'), 'sender.login'), delivery };
  const label = optionalRecord(body.label, 'label');
  if (label !== undefined) event.label = labelName(label.name, 'label.name');
  return event;
}
