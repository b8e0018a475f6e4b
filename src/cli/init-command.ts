import path from 'node:path';
import { parseArgs } from 'node:util';
import { DirectoryNotEmptyError, initGitopsRepo } from '../adapters/init-gitops-repo.ts';
import { UsageError, type Command } from './command.ts';

const usage = `Usage: previewd init DIR

Creates a new GitOps repository in DIR from previewd's skeleton (apps/demo/base, components/,
previews/, previewd.yaml, README.md) with one initial commit on branch main. DIR must not exist
or be empty. The author is previewd <previewd@localhost> unless GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL are set.`;

function parse(args: string[]): string {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const [dir, ...extra] = positionals;
  if (dir === undefined || dir === '') throw new UsageError('missing DIR');
  if (extra.length > 0) throw new UsageError(`expected one DIR, got ${positionals.length}`);
  return dir;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new GitOps repository from the skeleton',
  usage,
  async run(args, io) {
    const dir = path.resolve(io.cwd, parse(args));
    try {
      const result = await initGitopsRepo(dir, { env: io.env });
      io.stdout.write(
        `Created a GitOps repository in ${result.dir} (branch ${result.branch}, commit ${result.commit.slice(0, 7)}).\n` +
          `Next: push it to your git host, point argocd/ at it (see argocd/README.md), and register your apps in previewd.yaml.\n`,
      );
      return 0;
    } catch (err) {
      if (err instanceof DirectoryNotEmptyError) {
        io.stderr.write(`previewd init: ${err.message}.\n`);
        return 1;
      }
      throw err;
    }
  },
};
