import path from 'node:path';
import { DirectoryNotEmptyError, initGitopsRepo } from '../adapters/init-gitops-repo.ts';
import { EXIT, type CliIo } from './command.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** `previewd init DIR`. */
export async function runInit(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandLine(args, { options: {}, positionals: ['DIR'], required: 1 });
  const dir = path.resolve(io.cwd, positionals[0] as string);
  try {
    const result = await initGitopsRepo(dir, { env: io.env });
    io.stdout.write(
      `Created a GitOps repository in ${result.dir} (branch ${result.branch}, commit ${result.commit.slice(0, 7)}).\n` +
        `Next: push it to your git host, point argocd/ at it (see argocd/README.md), and register your apps in previewd.yaml.\n`,
    );
    return EXIT.done;
  } catch (err) {
    if (err instanceof DirectoryNotEmptyError) {
      io.stderr.write(`previewd init: ${err.message}.\n`);
      return EXIT.failed;
    }
    throw err;
  }
}
