import { envLabel } from '../domain/environment.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import { EXIT, type CliIo } from './command.ts';
import { formatTable } from './format-table.ts';
import { openCliStore } from './open-cli-store.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** `previewd list [--json]`. */
export async function runList(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(args, { options: { json: { type: 'boolean' } } });
  const store = await openCliStore(io);
  const rows = [];
  for (const entry of await store.listEnvironments()) {
    // One blob through the store's tree cache, not the folder's every file.
    const preview = parsePreviewJson((await store.readFile(`${entry.folder}/preview.json`)) ?? '');
    rows.push({ env: envLabel(entry.env), folder: entry.folder, sha: preview?.sha ?? null, url: preview?.url ?? null, namespace: preview?.namespace ?? null, updatedAt: preview?.updatedAt ?? null, expiresAt: preview?.expiresAt ?? null });
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.done;
  }
  if (rows.length === 0) {
    io.stdout.write('No preview environments yet.\n');
    return EXIT.done;
  }
  const table = [['ENVIRONMENT', 'SHA', 'UPDATED', 'URL'], ...rows.map((r) => [r.env, (r.sha ?? '?').slice(0, 7), r.updatedAt ?? '?', r.url ?? '?'])];
  io.stdout.write(`${formatTable(table)}\n`);
  return EXIT.done;
}
