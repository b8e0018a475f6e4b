import type { FailedCheck, PendingCheck } from './build-verdict.ts';
import { code, escapeMarkdownText, link } from './markdown-text.ts';

/**
 * What the PR comment says about a `waitFor` wait: the `building` state (with what is pending), or a
 * `failed` state that the build caused (a check failed, or the wait timed out). Names and links come
 * from GitHub and the app's CI: they are escaped like every text from outside previewd.
 */
export type BuildWaitView = (
  | { verdict: 'wait' | 'timed-out'; pending: readonly PendingCheck[]; since: string; deadline: string; timeout: string }
  | { verdict: 'fail'; failed: FailedCheck }
) & {
  /** The head sha waited for, when the comment's `sha` is another (the one still deployed). */
  sha?: string;
};

const MAX_PENDING = 20;

/** The intro and the list a building (or build-failed) comment shows instead of Argo CD's words. */
export function buildWaitLines(build: BuildWaitView, viewSha: string | null | undefined): { intro: string; items: string[] } {
  const sha = build.sha ?? viewSha;
  const head = sha && /^[0-9a-f]{7,64}$/i.test(sha) ? ` ${code(sha.slice(0, 7))}` : '';
  if (build.verdict === 'fail') {
    const { failed } = build;
    const what = failed.kind === 'check' ? 'check' : 'status';
    return {
      intro: `Nothing was deployed for this commit${head}: its ${what} ${link(failed.name, failed.url)} ended with **${escapeMarkdownText(failed.conclusion)}**. A push (or a re-run that succeeds) deploys again; the environment keeps what it ran before.`,
      items: [],
    };
  }
  const items = build.pending.slice(0, MAX_PENDING).map(pendingLine);
  if (build.pending.length > MAX_PENDING) items.push(`… and ${build.pending.length - MAX_PENDING} more`);
  if (build.verdict === 'timed-out') {
    return {
      intro: `Nothing was deployed for this commit${head}: its build did not finish within ${escapeMarkdownText(build.timeout)} (waiting since ${when(build.since)}). Still not done:`,
      items,
    };
  }
  return {
    intro: `previewd deploys this commit${head} once its build is done. Waiting since ${when(build.since)} (at most until ${when(build.deadline)}) for:`,
    items,
  };
}

/** The words after `waiting for build: ` in the commit status and the Deployment (plain text). */
export function buildWaitDetail(build: BuildWaitView): string {
  if (build.verdict === 'fail') return `${build.failed.name} ${build.failed.conclusion}`;
  const names = build.pending.map((p) => p.name).join(', ');
  return build.verdict === 'timed-out' ? `not finished within ${build.timeout}: ${names}` : names;
}

function pendingLine(check: PendingCheck): string {
  const label = `**${escapeMarkdownText(check.name)}**`;
  const name = check.url === null ? label : `${label} (${link('details', check.url)})`;
  switch (check.kind) {
    case 'expected':
      return `${name}: no check or status of this name has reported yet`;
    case 'image':
      return `image ${name}: the tag is not in the registry yet`;
    default:
      return `${name}: ${escapeMarkdownText(check.state.replaceAll('_', ' '))}${check.since ? ` since ${when(check.since)}` : ''}`;
  }
}

// The same reading as the rest of the comment: `2025-01-05 03:04 UTC`.
function when(text: string): string {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) return escapeMarkdownText(text);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
