import type { AppRegistration, PreviewConfig, ServiceConfig } from './config-types.ts';
import { carriedFields } from './carried-fields.ts';
import type { ConfigProblem } from './config-problem.ts';
import { fileSetChanges } from './file-set-changes.ts';
import type { FileChange } from './file-change.ts';
import type { PlanFacts } from './plan-types.ts';
import { renderOverlay, type RenderedPreview } from './render-overlay.ts';

/** What a render of the environment is made from: the app sha and the lifecycle fields. */
export interface RenderWish {
  sha: string;
  branch: string;
  author: string;
  preservedUntil: string | null;
  sleeping: boolean;
}

export type RenderOutcome =
  | { ok: true; rendered: RenderedPreview; changes: FileChange[] }
  | { ok: false; reason: string; problems: ConfigProblem[] };

/**
 * Renders the environment and says what changes. When it exists, it renders at its last update's time
 * first: if that reproduces the folder, nothing changed (preview.json carries times). The preview.json
 * about to be written is checked against its schema: previewd never writes one the ApplicationSet cannot read.
 */
export function renderChanges(facts: PlanFacts, service: ServiceConfig, app: AppRegistration, config: PreviewConfig, wish: RenderWish): RenderOutcome {
  const { createdAt } = carriedFields(facts.previous);
  const render = (now: Date) => renderOverlay({
    pr: {
      ...facts.env, sha: wish.sha, branch: wish.branch, author: wish.author, now, preservedUntil: wish.preservedUntil, sleeping: wish.sleeping,
      ...(createdAt ? { createdAt } : {}),
    },
    service, app, config, templates: facts.templates,
  });
  const current = facts.current ?? new Map<string, string>();
  // preview.json holds the sha: a new one changes the folder whatever the time, so only the same sha
  // is tried at the last update's time first (a redelivery, a resync), and a push renders once.
  const sameSha = facts.previous?.sha?.toLowerCase() === wish.sha.toLowerCase();
  let result = sameSha && facts.previous?.updatedAt ? render(new Date(facts.previous.updatedAt)) : null;
  if (!(result?.ok && fileSetChanges(result.value.folder, result.value.files, current).length === 0)) result = render(facts.now);
  if (!result.ok) return { ok: false, reason: `${result.problems[0]?.file ?? 'the configuration'} asks for what the policy does not allow`, problems: result.problems };
  const problems = facts.checkPreviewJson('preview.json', structuredClone(result.value.preview));
  if (problems.length > 0) return { ok: false, reason: 'previewd would write a preview.json that its schema refuses; nothing was written', problems };
  return { ok: true, rendered: result.value, changes: fileSetChanges(result.value.folder, result.value.files, current) };
}
