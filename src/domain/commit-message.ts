import { envLabel, type EnvRef } from './environment.ts';
import { previewId } from './names.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** What a commit did to an environment (DESIGN.md, "Commits"); `manual` is any commit previewd did not make. */
export type PreviewAction =
  | 'create'
  | 'update'
  | 'destroy'
  | 'preserve'
  | 'expire'
  | 'sleep'
  | 'wake'
  | 'rollback';

export const PREVIEW_ACTIONS: readonly PreviewAction[] = [
  'create', 'update', 'destroy', 'preserve', 'expire', 'sleep', 'wake', 'rollback',
];

/** Everything a commit message says besides the environment itself. */
export interface CommitMeta {
  action: PreviewAction;
  /** The Application id (`preview.json` `id`), when known. */
  id?: string;
  /** Full head sha of the PR the environment runs. */
  sha?: string;
  /** Who caused it: PR author, pusher, commenter, or `previewd`. */
  actor: string;
  /** The X-GitHub-Delivery that caused it, when one did. */
  delivery?: string;
  /** The app repository's URL, for Argo CD's reference-commit trailers. */
  repoUrl?: string;
  /**
   * `Argocd-reference-commit-sha`: the full 40-digit lower-case sha the commit deploys. Absent when
   * `sha` is not one (the commit's reason then says why).
   */
  referenceSha?: string;
  /** For a rollback: the GitOps commit restored. For preserve: the time preserved until. */
  target?: string;
  /** For a rollback that reverts a commit (`previewd revert`): that commit, named in the subject. */
  reverts?: string;
  /** One paragraph for people: why this happened. */
  reason?: string;
}

// A trailer value is one line: anything that could end it or smuggle another trailer is dropped.
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function short(sha: string | undefined): string {
  return sha ? oneLine(sha).slice(0, 7) : '';
}

function subjectFor(ref: EnvRef, meta: CommitMeta): string {
  const what = ((): string => {
    switch (meta.action) {
      case 'create':
        return meta.sha ? `create at ${short(meta.sha)}` : 'create';
      case 'update':
        return meta.sha ? `update to ${short(meta.sha)}` : 'update';
      case 'rollback':
        if (meta.reverts) return `revert ${short(meta.reverts)}`;
        return meta.target ? `rollback to ${short(meta.target)}` : 'rollback';
      case 'preserve':
        return meta.target ? `preserve until ${oneLine(meta.target)}` : 'preserve';
      default:
        return meta.action;
    }
  })();
  return `preview(${envLabel(ref)}): ${what}`;
}

/** The full commit message: subject, optional reason paragraph, trailers (parseable by `git interpret-trailers --parse`). */
export function buildCommitMessage(ref: EnvRef, meta: CommitMeta): string {
  const trailers: Array<[string, string | undefined]> = [
    ['Preview-Id', meta.id ?? previewId(ref)],
    ['Preview-Action', meta.action],
    ['Preview-Repo', `${ref.owner}/${ref.repo}`],
    ['Preview-PR', String(ref.pr)],
    ['Preview-Sha', meta.sha],
    ['Preview-Actor', meta.actor],
    ['Preview-Delivery', meta.delivery],
    ['Preview-Target', meta.target],
    ['Argocd-reference-commit-sha', meta.referenceSha ?? (meta.sha && FULL_SHA.test(meta.sha) ? meta.sha : undefined)],
    ['Argocd-reference-commit-repourl', meta.repoUrl],
  ];
  const lines = trailers
    .map(([key, value]) => [key, value === undefined ? '' : oneLine(value)] as const)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${key}: ${value}`);
  const reason = meta.reason ? oneLine(meta.reason) : '';
  const paragraphs = [subjectFor(ref, meta), ...(reason ? [reason] : []), lines.join('\n')];
  return `${paragraphs.join('\n\n')}\n`;
}

/** A commit message taken apart: subject and the trailers of its last paragraph (keys as written). */
export interface ParsedMessage {
  subject: string;
  trailers: ReadonlyMap<string, string>;
}

const TRAILER_RE = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/;

/** Parses a message the way git does for trailers: the last paragraph, if every line of it is `Key: value`. */
export function parseCommitMessage(message: string): ParsedMessage {
  const paragraphs = message.replace(/\r\n/g, '\n').trim().split(/\n{2,}/);
  const subject = (paragraphs[0] ?? '').split('\n')[0] ?? '';
  const trailers = new Map<string, string>();
  const last = paragraphs.length > 1 ? paragraphs[paragraphs.length - 1] : undefined;
  if (last !== undefined) {
    const lines = last.split('\n');
    const parsed = lines.map((line) => TRAILER_RE.exec(line));
    if (parsed.every((m) => m !== null)) {
      for (const m of parsed) if (m) trailers.set(m[1] as string, (m[2] as string).trim());
    }
  }
  return { subject, trailers };
}

/** The action a message records, or `manual` when previewd did not write it. */
export function actionOf(parsed: ParsedMessage): PreviewAction | 'manual' {
  const action = parsed.trailers.get('Preview-Action');
  return PREVIEW_ACTIONS.find((a) => a === action) ?? 'manual';
}
