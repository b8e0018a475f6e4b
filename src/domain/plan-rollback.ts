import { envFolder } from './environment.ts';
import { fileSetChanges } from './file-set-changes.ts';
import type { FileChange } from './file-change.ts';
import { commitMeta, skip } from './plan-helpers.ts';
import type { Plan, PlanFacts, Trigger } from './plan-types.ts';
import { formatPreviewJson, PREVIEW_JSON_FILE, type PreviewJson } from './preview-json.ts';
import { readPreviewJson } from './read-preview-json.ts';

type ActionTrigger = Extract<Trigger, { kind: 'action' }>;

function later(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function sameButTimes(a: Partial<PreviewJson> | null, b: Partial<PreviewJson>): boolean {
  if (a === null) return false;
  const strip = ({ updatedAt: _u, expiresAt: _e, ...rest }: Partial<PreviewJson>) => JSON.stringify(Object.entries(rest).sort(([x], [y]) => (x < y ? -1 : 1)));
  return strip(a) === strip(b);
}

/**
 * A rollback restores the folder's content at the target commit and says what it deploys (the
 * target's app sha, so that `history` shows it). The lifecycle fields newer than that content stay:
 * a preservation made since is kept, and the time to live counts from now, as for any deploy.
 */
export function planRollback(facts: PlanFacts, trigger: ActionTrigger): Plan {
  const target = facts.rollback;
  if (target === null) return skip('there is no earlier deploy to roll back to: name a commit from the history', 'refused', null);
  if (!target.found) return skip(target.reason, 'refused', null);
  const folder = envFolder(facts.env);
  const short = target.commit.slice(0, 7);
  // A revert names the commit it undoes; its content is the one just before it.
  const reverts = target.reverts ? { reverts: target.reverts } : {};
  const at = target.reverts ? `before ${target.reverts.slice(0, 7)} (at ${short})` : `at ${short}`;
  const opening = target.reverts ? `Reverts ${target.reverts}: restores` : 'Restores';
  const state = { state: 'rolled-back' as const, reason: target.reverts ? `${target.reverts.slice(0, 7)} reverted by ${trigger.actor}` : `rolled back by ${trigger.actor} to ${short}` };
  const already = target.reverts ? `the environment already is as it was before ${target.reverts.slice(0, 7)}` : 'the environment already is as it was at that commit';
  if (target.files === null) {
    if (!facts.current) return skip(already, 'unchanged', null);
    const changes: FileChange[] = [{ type: 'delete', path: folder }];
    return { kind: 'commit', changes, preview: null, ...state, meta: commitMeta(facts, trigger, 'rollback', { sha: target.sha, target: target.commit, ...reverts, reason: `${opening} ${folder} as it was ${at}: removed.` }), leavesLine: false, firstReport: false };
  }
  const restored = readPreviewJson(target.files.get(PREVIEW_JSON_FILE), facts.checkPreviewJson).value ?? {};
  const previous = facts.previous ?? {};
  const pull = facts.pull;
  const ttlMs = restored.expiresAt && restored.updatedAt ? Date.parse(restored.expiresAt) - Date.parse(restored.updatedAt) : null;
  const expiresAt = ttlMs === null || Number.isNaN(ttlMs) ? (restored.expiresAt ?? null) : new Date(facts.now.getTime() + ttlMs).toISOString();
  const preservedUntil = later(previous.preservedUntil, restored.preservedUntil);
  const sha = restored.sha ?? target.sha ?? previous.sha ?? pull?.headSha;
  const preview: Partial<PreviewJson> = {
    ...restored,
    branch: restored.branch ?? previous.branch ?? pull?.headRef,
    author: restored.author ?? previous.author ?? pull?.author,
    ...(sha ? { sha } : {}),
    updatedAt: facts.now.toISOString(),
    expiresAt,
    preservedUntil,
  };
  const problems = facts.checkPreviewJson(PREVIEW_JSON_FILE, structuredClone(preview));
  if (problems.length > 0) {
    return skip(`the preview.json at ${short} cannot be restored as it is (${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}), and the pull request does not fill it in`, 'refused', null);
  }
  const files = new Map(target.files);
  files.set(PREVIEW_JSON_FILE, formatPreviewJson(preview as PreviewJson));
  const changes = fileSetChanges(folder, files, facts.current ?? new Map());
  // The times a rollback renews are no change of their own: a second rollback to the same commit is a no-op.
  if (changes.length === 0 || (changes.every((c) => c.path === `${folder}/${PREVIEW_JSON_FILE}`) && sameButTimes(facts.previous, preview))) {
    return skip(already, 'unchanged', null);
  }
  const kept = preservedUntil && preservedUntil !== (restored.preservedUntil ?? null) ? ` Keeps preservedUntil ${preservedUntil}, set after that commit.` : '';
  const reason = `${opening} ${folder} as it was ${at}${sha ? ` (app sha ${sha.slice(0, 7)})` : ''}.${kept} Expires ${expiresAt ?? 'never'}, counted from now.`;
  return {
    kind: 'commit', changes, preview: preview as PreviewJson, ...state,
    meta: commitMeta(facts, trigger, 'rollback', { sha, target: target.commit, ...reverts, reason, ...(preview.id ? { id: preview.id } : {}) }),
    leavesLine: false, firstReport: false,
  };
}
