import type { CommitMeta, PreviewAction } from './commit-message.ts';
import { parseDuration } from './duration.ts';
import type { FolderRecord } from './folder-record.ts';
import { previewId } from './names.ts';
export { isPreserved, keptUntil } from './preview-expiry.ts';
import type { Plan, PlanFacts, PlannedAnswer, PlannedState, Trigger } from './plan-types.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;
// previewd's own word on a folder that a resync or a redelivery must not overrule: a person's commit, a
// rollback, a destroy, an expiry. Only a newer trigger (a push with a new head, a command) changes it.
const STICKY: ReadonlySet<FolderRecord['action']> = new Set(['manual', 'rollback', 'destroy', 'expire']);
const DEPLOYS: ReadonlySet<FolderRecord['action']> = new Set(['create', 'update', 'rollback']);

/** Whether a record's word stands against a resync or a redelivery. */
export function isSticky(record: FolderRecord): boolean {
  return STICKY.has(record.action);
}

/** The cause of a PR's item let out of the waiting line when a slot frees. */
export const SLOT_FREED = 'slot-freed';

// What is no push of a head sha: GitHub sends each opening once (one with a delivery previewd has not
// applied is the PR opened again, newer than what removed or undid its environment, whatever its head
// sha), and an item let out of the waiting line was checked when it joined the line.
const NOT_A_PUSH: ReadonlySet<string> = new Set(['pull_request.opened', 'pull_request.reopened', SLOT_FREED]);

/** Whether a commit's word stands against an event of this cause only when it is one applied before. */
export function standsOnlyOnRedelivery(cause: string): boolean {
  return NOT_A_PUSH.has(cause);
}

/**
 * The commit whose word stands against this trigger, or null when the trigger may change the folder.
 * A command always may; a PR event may when it is newer than what the person (or the destroy, the
 * expiry) undid: not an event previewd applied before it (a redelivery: GitHub keeps the
 * X-GitHub-Delivery of the event it delivers again), and for a push, not the head sha previewd last
 * deployed (the same push again). An opening delivered anew is newer.
 */
export function standingRecord(facts: Pick<PlanFacts, 'records'>, trigger: Trigger): FolderRecord | null {
  const last = facts.records[0];
  if (!last || !STICKY.has(last.action) || trigger.kind === 'action') return null;
  if (!trigger.override) return last;
  if (trigger.delivery !== undefined && facts.records.some((r) => r.delivery === trigger.delivery)) return last;
  if (standsOnlyOnRedelivery(trigger.cause)) return null;
  const deployed = facts.records.find((r) => r.action === 'create' || r.action === 'update')?.sha ?? null;
  return deployed !== null && trigger.snapshot.headSha.toLowerCase() === deployed.toLowerCase() ? last : null;
}

/** Words for the commit that stands. */
export function standingReason(record: FolderRecord): string {
  const at = record.commit.slice(0, 7);
  switch (record.action) {
    case 'manual':
      return `rolled back by ${record.author.name} in ${at}; a new push or a /preview command deploys again`;
    case 'destroy':
    case 'expire': {
      const what = record.action === 'destroy' ? `destroyed by ${record.actor}` : 'expired (its time to live ran out)';
      return `${what} in ${at}: an event from before does not bring it back; a new push, a reopen or /preview redeploy does`;
    }
    default:
      return `${record.action} by ${record.actor} in ${at}; a new push or a /preview command deploys again`;
  }
}

/** The deploy before the newest one: where `/preview rollback` with no commit goes. */
export function defaultRollbackTarget(records: readonly FolderRecord[]): string | null {
  return records.filter((r) => DEPLOYS.has(r.action))[1]?.commit ?? null;
}

/** The TTL of `previewd.yaml`'s defaults, in ms (0 when unreadable). */
export function defaultTtlMs(facts: Pick<PlanFacts, 'service'>): number {
  return facts.service.ok ? (parseDuration(facts.service.value.defaults.ttl) ?? 0) : 0;
}

/**
 * The trailers every commit carries (DESIGN.md, "Commits"): the id, the app sha and the app repository.
 * `Argocd-reference-commit-sha` must be a full lower-case sha; a sha that is not (a hand-edited
 * preview.json) is left out, and the commit says why.
 */
export function commitMeta(facts: PlanFacts, trigger: Trigger, action: PreviewAction, fields: { sha?: string | null | undefined; target?: string; reverts?: string; reason?: string; id?: string }): CommitMeta {
  const sha = (fields.sha ?? '').toLowerCase();
  const repoUrl = facts.pull?.repoUrl ?? (trigger.kind === 'action' ? trigger.repoUrl : trigger.snapshot.repoUrl) ?? `https://github.com/${facts.env.owner}/${facts.env.repo}`;
  const notes = [fields.reason, sha !== '' && !FULL_SHA.test(sha) ? `Argocd-reference-commit-sha is left out: ${JSON.stringify(fields.sha)} is not a full 40-digit commit sha.` : undefined]
    .filter((n): n is string => Boolean(n));
  return {
    action,
    id: fields.id ?? facts.previous?.id ?? previewId(facts.env),
    actor: trigger.actor,
    repoUrl,
    ...(sha !== '' ? { sha } : {}),
    ...(FULL_SHA.test(sha) ? { referenceSha: sha } : {}),
    ...(trigger.delivery ? { delivery: trigger.delivery } : {}),
    ...(fields.target ? { target: fields.target } : {}),
    ...(fields.reverts ? { reverts: fields.reverts } : {}),
    ...(notes.length ? { reason: notes.join(' ') } : {}),
  };
}

/** A plan that changes nothing. `state` null: the environment's reported state stays as it is. */
export function skip(reason: string, answer: PlannedAnswer, state: PlannedState | null, extra: Omit<Partial<SkipPlan>, 'kind'> = {}): SkipPlan {
  return { kind: 'skip', reason, answer, state: state ?? 'skipped', ...(state === null ? { quiet: true } : {}), ...extra };
}

type SkipPlan = Extract<Plan, { kind: 'skip' }>;
