import { envFolder } from '../domain/environment.ts';
import { envArgument } from './argument-checks.ts';
import { EXIT, type CliIo } from './command.ts';
import { formatTable } from './format-table.ts';
import { openCliStore } from './open-cli-store.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** `previewd history OWNER/REPO#N [--json]`. */
export async function runHistory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { options: { json: { type: 'boolean' } }, positionals: ['OWNER/REPO#N'], required: 1 });
  const env = envArgument(positionals[0] as string);
  const store = await openCliStore(io);
  const records = await store.history(env);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return EXIT.done;
  }
  if (records.length === 0) {
    io.stdout.write(`No commits touch ${envFolder(env)}.\n`);
    return EXIT.done;
  }
  const table = [
    ['COMMIT', 'ACTION', 'SHA', 'ACTOR', 'TIME', 'DELIVERY'],
    ...records.map((r) => [r.commit.slice(0, 7), r.action, r.sha ? r.sha.slice(0, 7) : '-', r.actor, r.time, r.delivery ?? '-']),
  ];
  io.stdout.write(`${formatTable(table)}\n`);
  return EXIT.done;
}
