import { envLabel } from '../domain/environment.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import type { Command } from './command.ts';
import { formatTable } from './format-table.ts';
import { openCliStore } from './open-cli-store.ts';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the preview environments in the GitOps repository',
  usage: 'Usage: previewd list [--json]\n\nReads the GitOps repository of the settings (the same as the service\'s) and lists every environment.',
  async run(args, io) {
    const store = await openCliStore(io);
    const rows = [];
    for (const entry of await store.listEnvironments()) {
      const preview = parsePreviewJson((await store.readEnvironment(entry.env))?.get('preview.json') ?? '');
      rows.push({ env: envLabel(entry.env), folder: entry.folder, sha: preview?.sha ?? null, url: preview?.url ?? null, namespace: preview?.namespace ?? null, updatedAt: preview?.updatedAt ?? null, expiresAt: preview?.expiresAt ?? null });
    }
    if (args.includes('--json')) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout.write('No preview environments yet.\n');
      return 0;
    }
    const table = [['ENVIRONMENT', 'SHA', 'UPDATED', 'URL'], ...rows.map((r) => [r.env, (r.sha ?? '?').slice(0, 7), r.updatedAt ?? '?', r.url ?? '?'])];
    io.stdout.write(`${formatTable(table)}\n`);
    return 0;
  },
};
