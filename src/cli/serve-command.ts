import type { Command } from './command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve GitHub webhooks and keep previews in step (what npm start runs)',
  usage: 'Usage: previewd serve\n\nSettings come from environment variables; see README.md.',
  async run(_args, io) {
    // Honest until the service exists (issue: the service): nothing is served yet.
    io.stderr.write('previewd serve: not yet available — the webhook service is not built yet. The GitOps store and the renderer are; see README.md.\n');
    return 1;
  },
};
