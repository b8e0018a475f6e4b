import type { Command } from './command.ts';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new GitOps repository from the skeleton',
  usage: 'Usage: previewd init DIR',
  async run(_args, io) {
    io.stderr.write('previewd init: not yet available.\n');
    return 1;
  },
};
