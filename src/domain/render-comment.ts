import { formatProblem, type ConfigProblem } from './config-problem.ts';
import { envFolder, envLabel, type EnvRef } from './environment.ts';
import { gitopsCommitUrl, gitopsHistoryUrl } from './gitops-web-url.ts';
import { code, escapeMarkdownText, link, safeUrl } from './markdown-text.ts';
import { canonicalEnvKey } from './names.ts';
import { previewCommandLines } from './preview-command-list.ts';
import type { ReportedState } from './report-calls.ts';
import { buildWaitDetail, buildWaitLines, type BuildWaitView } from './render-build-wait.ts';

export { gitopsWebUrl } from './gitops-web-url.ts';

/** Everything the PR comment says. Text from outside previewd (reasons, problems, note) is escaped. */
export interface CommentView {
  env: EnvRef;
  state: ReportedState;
  /** The preview's address: Argo CD's external URL, else the rendered host. */
  url?: string | null;
  namespace?: string | null;
  /** The PR head sha the environment runs (full). */
  sha?: string | null;
  /** The app repository's web page (`https://github.com/acme/shop`), to link the sha. */
  repoUrl?: string | null;
  /** previewd's last GitOps commit for the environment (full). */
  gitopsCommit?: string | null;
  /** The GitOps repository's web page, from `gitopsWebUrl(GITOPS_REPO_URL)`; null when it has none. */
  gitopsWeb?: string | null;
  /** The GitOps branch previewd commits to (default `main`). */
  gitopsBranch?: string;
  sync?: string | null;
  health?: string | null;
  reasons?: readonly string[];
  note?: string | null;
  problems?: readonly ConfigProblem[];
  expiresAt?: string | null;
  preservedUntil?: string | null;
  /** The `waitFor` wait: shown in `building`, and in `failed` when the build failed or timed out. */
  build?: BuildWaitView | null;
}

const MAX_REASONS = 20;
const MAX_PROBLEMS = 50;
// States in which nothing runs: no address, no expiry to show.
const NOTHING_RUNS: readonly ReportedState[] = ['destroyed', 'refused', 'skipped', 'pending'];

const HEADINGS: Record<ReportedState, string> = {
  pending: '⏳ Preview queued',
  building: '🏗️ Preview waiting for the build',
  committed: '📦 Preview committed, waiting for Argo CD',
  deploying: '🚀 Preview deploying',
  ready: '✅ Preview ready',
  failed: '❌ Preview failed',
  destroyed: '🗑️ Preview destroyed',
  sleeping: '💤 Preview sleeping',
  'rolled-back': '↩️ Preview rolled back',
  waiting: '⏸️ Preview waiting',
  refused: '⛔ Preview refused',
  skipped: '⏭️ No preview for this pull request',
};

const INTROS: Record<ReportedState, string> = {
  pending: 'previewd has queued this pull request’s environment.',
  building: 'previewd deploys this commit once its build is done.',
  committed: 'The environment is committed to the GitOps repository; Argo CD has not created its Application yet.',
  deploying: 'Argo CD is deploying the environment.',
  ready: 'The preview is up.',
  failed: 'Argo CD could not bring the environment up. What it reports:',
  destroyed: 'The environment was removed from the GitOps repository; Argo CD prunes everything it ran.',
  sleeping: 'The environment is asleep (scaled to zero). `/preview wake` starts it again.',
  'rolled-back': 'A commit in the GitOps repository rolled the environment back: it no longer runs this pull request’s head. A push or `/preview redeploy` deploys the head again.',
  waiting: 'The app has reached its limit of previews; this one is deployed when another one goes.',
  refused: 'Nothing was deployed: the preview configuration asks for what the policy does not allow. Fix these and push again:',
  skipped: 'previewd does not deploy this pull request.',
};

/** The hidden first line that finds previewd's comment on a PR: stable, lower-cased like names. */
export function commentMarker(env: EnvRef): string {
  return `<!-- previewd:${canonicalEnvKey(env)} -->`;
}

/**
 * The PR comment for a view: Markdown, deterministic (no clock: the comment is edited only when its
 * text changes, so a timestamp would edit it on every status).
 */
export function renderComment(view: CommentView): string {
  const url = safeUrl(view.url);
  // Ready: the address is the news, so it leads.
  const build = buildSays(view);
  const intro = build !== null ? build.intro
    : view.state === 'ready' && url !== null ? `The preview is up: **${link(urlText(url), url)}**` : INTROS[view.state];
  const out = [commentMarker(view.env), `### ${HEADINGS[view.state]}`, '', intro];
  // `*` items, `-` facts: a change of bullet starts a new list, so the two never merge into one.
  const items = (lines: readonly string[], max: number): void => {
    out.push('', ...lines.slice(0, max).map((line) => `* ${line}`));
    if (lines.length > max) out.push(`* … and ${lines.length - max} more`);
  };
  if (build !== null && build.items.length > 0) items(build.items, build.items.length);
  if (view.problems !== undefined && view.problems.length > 0) items(view.problems.map(problemLine), MAX_PROBLEMS);
  if (view.reasons !== undefined && view.reasons.length > 0) items(view.reasons.map((r) => escapeMarkdownText(r)), MAX_REASONS);
  if (typeof view.note === 'string' && view.note.trim() !== '') out.push('', `> Note: ${escapeMarkdownText(view.note)}`);
  const facts = factLines(view);
  if (facts.length > 0) out.push('', ...facts.map((line) => `- ${line}`));
  if (view.gitopsCommit || !NOTHING_RUNS.includes(view.state)) out.push('', historyLine(view));
  out.push('', '<details><summary>Commands: comment on this pull request</summary>', '');
  out.push(...previewCommandLines(), '', '</details>', '');
  return out.join('\n');
}

/** The same facts as one plain-text paragraph, for the log when GitHub reporting is off. */
export function formatCommentForLog(view: CommentView): string {
  const parts = [`${envLabel(view.env)}: ${HEADINGS[view.state].replace(/^\S+\s/, '')}`];
  const shown = !NOTHING_RUNS.includes(view.state);
  const url = safeUrl(view.url);
  if (shown && url !== null) parts.push(`at ${urlText(url)}`);
  if (view.namespace) parts.push(`namespace ${view.namespace}`);
  if (view.sha) parts.push(`app commit ${view.sha.slice(0, 7)}`);
  if (view.gitopsCommit) parts.push(`GitOps commit ${view.gitopsCommit.slice(0, 7)}`);
  if (view.sync || view.health) parts.push(`Argo CD ${view.sync ?? '?'}/${view.health ?? '?'}`);
  if (shown && view.preservedUntil) parts.push(`preserved until ${view.preservedUntil}`);
  else if (shown && view.expiresAt) parts.push(`expires ${view.expiresAt}`);
  const build = view.build ?? null;
  if (build !== null && (view.state === 'building' || view.state === 'failed')) parts.push(`build: ${buildWaitDetail(build)}`);
  const reasons = [...(view.problems ?? []).map(formatProblem), ...(view.reasons ?? [])];
  if (reasons.length > 0) parts.push(`because: ${reasons.join('; ')}`);
  if (view.note) parts.push(`note: ${view.note}`);
  // eslint-disable-next-line no-control-regex
  return parts.join(', ').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

// The build's words replace the state's intro only where they explain it: a wait, or a failure it caused.
function buildSays(view: CommentView): { intro: string; items: string[] } | null {
  const build = view.build ?? null;
  if (build === null) return null;
  if (view.state === 'building' && build.verdict === 'wait') return buildWaitLines(build, view.sha);
  if (view.state === 'failed' && build.verdict !== 'wait') return buildWaitLines(build, view.sha);
  return null;
}

function factLines(view: CommentView): string[] {
  const lines: string[] = [];
  const runs = !NOTHING_RUNS.includes(view.state);
  const url = safeUrl(view.url);
  if (runs && url !== null && view.state !== 'ready') lines.push(`**URL:** ${link(urlText(url), url)}`);
  if (view.namespace) lines.push(`**Namespace:** ${code(view.namespace)}`);
  if (view.sha) lines.push(`**App commit:** ${shaLink(view.sha, view.repoUrl ? `${view.repoUrl.replace(/\/+$/, '')}/commit/${view.sha}` : null)}`);
  if (view.gitopsCommit) lines.push(`**GitOps commit:** ${shaLink(view.gitopsCommit, gitopsCommitUrl(view.gitopsWeb ?? null, view.gitopsCommit))}`);
  if (view.sync || view.health) {
    lines.push(`**Argo CD:** sync ${escapeMarkdownText(view.sync ?? 'unknown')}, health ${escapeMarkdownText(view.health ?? 'unknown')}`);
  }
  if (runs && view.preservedUntil) lines.push(`**Preserved until** ${when(view.preservedUntil)}: kept past its TTL and the pull request’s close`);
  else if (runs && view.expiresAt) lines.push(`**Expires** ${when(view.expiresAt)} unless preserved (\`/preview preserve 48h\`)`);
  return lines;
}

// `https://host/` reads better as `https://host`; the link itself keeps the normalized form.
function urlText(url: string): string {
  return new URL(url).pathname === '/' && !url.includes('?') && !url.includes('#') ? url.replace(/\/$/, '') : url;
}

function shaLink(sha: string, url: string | null): string {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return escapeMarkdownText(sha);
  const href = safeUrl(url);
  return href === null ? `\`${sha.slice(0, 7)}\`` : `[\`${sha.slice(0, 7)}\`](${href})`;
}

// ISO times become `2025-01-05 03:04 UTC`: the same instant always reads the same.
function when(text: string): string {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) return escapeMarkdownText(text);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function historyLine(view: CommentView): string {
  const folder = envFolder(view.env);
  const web = safeUrl(view.gitopsWeb);
  if (web === null) return `**History:** every change is a commit; \`git log -- ${folder}\` in the GitOps repository lists them.`;
  const url = gitopsHistoryUrl(web.replace(/\/+$/, ''), view.gitopsBranch ?? 'main', view.env);
  return `**History:** every change is a commit: [${code(folder)}](${safeUrl(url) ?? web}).`;
}

function problemLine(problem: ConfigProblem): string {
  const where = problem.path === '' ? escapeMarkdownText(problem.file) : `${escapeMarkdownText(problem.file)} ${escapeMarkdownText(problem.path)}`;
  return `**${where}**: ${escapeMarkdownText(problem.message)} (accepted: ${escapeMarkdownText(problem.accepted)})`;
}
