import type { Command } from './command.ts';
import { USAGES } from './usages.ts';

// Dynamic imports: `previewd --help` and `previewd list` load only what they use (bench/cli.ts).
/** Every sub-command, in the order `previewd --help` lists them. */
export const commands: readonly Command[] = [
  { name: 'serve', summary: 'serve GitHub webhooks and keep previews in step (what npm start runs)', usage: USAGES.serve, load: async () => (await import('./serve-command.ts')).runServe },
  { name: 'simulate', summary: 'send a signed pull_request event to a running previewd', usage: USAGES.simulate, load: async () => (await import('./simulate-command.ts')).runSimulate },
  { name: 'list', summary: 'list the preview environments in the GitOps repository', usage: USAGES.list, load: async () => (await import('./list-command.ts')).runList },
  { name: 'history', summary: "an environment's commits: who changed it, when, and to what", usage: USAGES.history, load: async () => (await import('./history-command.ts')).runHistory },
  { name: 'reconcile', summary: 'run one resync round now and print what it changed', usage: USAGES.reconcile, load: async () => (await import('./reconcile-command.ts')).runReconcile },
  { name: 'rollback', summary: "restore an environment's folder to an earlier GitOps commit, in a new commit", usage: USAGES.rollback, load: async () => (await import('./rollback-command.ts')).rollbackCommand.run },
  { name: 'revert', summary: 'undo what one GitOps commit did to the environment it changed, in a new commit', usage: USAGES.revert, load: async () => (await import('./revert-command.ts')).runRevert },
  { name: 'init', summary: 'create a new GitOps repository from the skeleton', usage: USAGES.init, load: async () => (await import('./init-command.ts')).runInit },
  { name: 'render', summary: 'print the files a pull request would get', usage: USAGES.render, load: async () => (await import('./render-command.ts')).runRender },
];
