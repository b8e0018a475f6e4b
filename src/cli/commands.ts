import type { Command } from './command.ts';
import { initCommand } from './init-command.ts';
import { renderCommand } from './render-command.ts';
import { serveCommand } from './serve-command.ts';

/** Every sub-command, in the order `previewd --help` lists them. */
export const commands: readonly Command[] = [serveCommand, initCommand, renderCommand];
