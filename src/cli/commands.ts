import type { Command } from './command.ts';
import { historyCommand } from './history-command.ts';
import { initCommand } from './init-command.ts';
import { listCommand } from './list-command.ts';
import { reconcileCommand } from './reconcile-command.ts';
import { renderCommand } from './render-command.ts';
import { rollbackCommand } from './rollback-command.ts';
import { serveCommand } from './serve-command.ts';
import { simulateCommand } from './simulate-command.ts';

/** Every sub-command, in the order `previewd --help` lists them. */
export const commands: readonly Command[] = [serveCommand, simulateCommand, listCommand, historyCommand, reconcileCommand, rollbackCommand, initCommand, renderCommand];
