import { envFolder, parseEnvLabel } from '../domain/environment.ts';
import { UsageError, type Command } from './command.ts';
import { formatTable } from './format-table.ts';
import { openCliStore } from './open-cli-store.ts';

export const historyCommand: Command = {
  name: 'history',
  summary: "an environment's commits: who changed it, when, and to what",
  usage: "Usage: previewd history OWNER/REPO#N [--json]\n\nThe GitOps commits that changed the environment's folder, newest first (git log -- previews/<owner>/<repo>/pr-<n>).",
  async run(args, io) {
    const label = args.find((a) => !a.startsWith('--'));
    if (!label) throw new UsageError('say which environment, e.g. previewd history acme/shop#42');
    const env = parseEnvLabel(label);
    const store = await openCliStore(io);
    const records = await store.history(env);
    if (args.includes('--json')) {
      io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      return 0;
    }
    if (records.length === 0) {
      io.stdout.write(`No commits touch ${envFolder(env)}.\n`);
      return 0;
    }
    const table = [
      ['COMMIT', 'ACTION', 'SHA', 'ACTOR', 'TIME', 'DELIVERY'],
      ...records.map((r) => [r.commit.slice(0, 7), r.action, r.sha ? r.sha.slice(0, 7) : '-', r.actor, r.time, r.delivery ?? '-']),
    ];
    io.stdout.write(`${formatTable(table)}\n`);
    return 0;
  },
};
