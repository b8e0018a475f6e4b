import type { PreviewCommandKind } from './preview-command.ts';

/** One `/preview` command as people read it: how to write it, and what it does (Markdown). */
export interface PreviewCommandDoc {
  kind: PreviewCommandKind;
  usage: string;
  what: string;
}

/**
 * The `/preview` commands, in the order the PR comment and the `/preview help` reply list them: the one
 * source of their descriptions, so the two never disagree.
 */
export const PREVIEW_COMMAND_DOCS: readonly PreviewCommandDoc[] = [
  { kind: 'help', usage: '/preview help', what: 'this list' },
  { kind: 'preserve', usage: '/preview preserve [duration]', what: 'keep the environment past its TTL and the pull request’s close (e.g. `48h`, within the policy’s maximum)' },
  { kind: 'destroy', usage: '/preview destroy', what: 'remove the environment now' },
  { kind: 'redeploy', usage: '/preview redeploy', what: 'commit the environment again from the pull request’s head' },
  { kind: 'rollback', usage: '/preview rollback [commit]', what: 'restore an earlier GitOps commit of this environment (default: the one before the last)' },
  { kind: 'sleep', usage: '/preview sleep', what: 'scale the environment to zero, keeping it' },
  { kind: 'wake', usage: '/preview wake', what: 'scale it back up' },
];

/** The commands as Markdown list items: ``- `/preview help`: this list``. */
export function previewCommandLines(): string[] {
  return PREVIEW_COMMAND_DOCS.map((doc) => `- \`${doc.usage}\`: ${doc.what}`);
}
