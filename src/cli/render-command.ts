import type { Command } from './command.ts';

export const renderCommand: Command = {
  name: 'render',
  summary: 'print or write the files a pull request would get',
  usage: 'Usage: previewd render --repo O/R --pr N --sha S [--config FILE] [--gitops DIR] [--out DIR]',
  async run(_args, io) {
    io.stderr.write('previewd render: not yet available.\n');
    return 1;
  },
};
