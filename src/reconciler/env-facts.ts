import { PREVIEW_CONFIG_FILE } from '../domain/config-problem.ts';
import type { AppRegistration, PreviewConfig, ServiceConfig } from '../domain/config-types.ts';
import type { Checked } from '../domain/config-problem.ts';
import { envFolder, type EnvRef } from '../domain/environment.ts';
import { fileSetChanges } from '../domain/file-set-changes.ts';
import { findApp } from '../domain/find-app.ts';
import { loadPreviewConfig } from '../domain/load-config.ts';
import { parsePreviewJson, type PreviewJson } from '../domain/preview-json.ts';
import { renderOverlay, type RenderedPreview } from '../domain/render-overlay.ts';
import type { HistoryRecord } from '../ports/gitops-store.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';

// How far back to look for an environment's last commit when deciding whether it must be left alone.
// An environment untouched for longer than this many commits is treated as previewd's own.
const STICKY_LOOKBACK = 2000;

/** What the reconciler knows of one environment before it acts. */
export interface EnvFacts {
  env: EnvRef;
  folder: string;
  service: ServiceConfig;
  app: AppRegistration | null;
  /** The folder's files, or null when it does not exist. */
  current: Map<string, string> | null;
  /** Its preview.json, when readable. */
  previous: PreviewJson | null;
}

export async function loadEnvFacts(deps: ReconcileDeps, env: EnvRef): Promise<EnvFacts> {
  const service = await deps.registry.read();
  const current = await deps.store.readEnvironment(env);
  return {
    env, folder: envFolder(env), service, app: findApp(service, env.owner, env.repo), current,
    previous: current ? parsePreviewJson(current.get('preview.json') ?? '') : null,
  };
}

/** The newest commit that touched the folder, within a bounded look back. */
export async function lastRecord(deps: ReconcileDeps, env: EnvRef): Promise<HistoryRecord | undefined> {
  const [record] = await deps.store.history(env, { limit: 1, maxCommits: STICKY_LOOKBACK });
  return record;
}

/** The PR's own settings at `sha` (defaults when the file is absent or GitHub is not configured). */
export async function readPreviewConfig(deps: ReconcileDeps, env: EnvRef, sha: string, installationId?: number): Promise<Checked<PreviewConfig>> {
  const ctx = installationId === undefined ? {} : { installationId };
  const text = deps.forge ? await deps.forge.readFile(env, PREVIEW_CONFIG_FILE, sha, ctx) : null;
  return loadPreviewConfig(text, deps.validators);
}

export interface RenderFacts {
  sha: string;
  branch: string;
  author: string;
  preservedUntil: string | null;
  sleeping: boolean;
}

/**
 * Renders the environment. When it exists, rendering at its last deploy's time first: if that
 * reproduces the folder, nothing changed and nothing is committed (preview.json carries times).
 */
export function renderEnv(deps: ReconcileDeps, facts: EnvFacts, app: AppRegistration, config: PreviewConfig, pr: RenderFacts): Checked<RenderedPreview> {
  const render = (now: Date) => renderOverlay({
    pr: {
      ...facts.env, sha: pr.sha, branch: pr.branch, author: pr.author, now, preservedUntil: pr.preservedUntil, sleeping: pr.sleeping,
      ...(facts.previous ? { createdAt: facts.previous.createdAt } : {}),
    },
    service: facts.service, app, config, templates: deps.templates,
  });
  if (facts.previous) {
    const again = render(new Date(facts.previous.updatedAt));
    if (again.ok && fileSetChanges(again.value.folder, again.value.files, facts.current ?? new Map()).length === 0) return again;
  }
  return render(deps.now());
}
