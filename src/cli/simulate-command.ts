import { randomBytes, randomUUID } from 'node:crypto';
import { Webhooks } from '@octokit/webhooks';
import { readWebhookSecret, webhookSecretPath } from '../adapters/webhook-secret.ts';
import { simulatedPullRequest, type SimulatedAction } from '../domain/simulated-pull-request.ts';
import { envOfRepoPr, fullSha, prNumber, repoName } from './argument-checks.ts';
import { EXIT, UsageError, type CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { parseCommandLine } from './parse-command-line.ts';

const ACTIONS: readonly SimulatedAction[] = ['opened', 'synchronize', 'closed', 'reopened'];

/** `previewd simulate ACTION --repo O/R --pr N [--sha S] …`. */
export async function runSimulate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    options: {
      repo: { type: 'string', check: repoName }, pr: { type: 'string', check: prNumber }, sha: { type: 'string', check: fullSha },
      author: { type: 'string' }, url: { type: 'string' }, branch: { type: 'string' },
    },
    positionals: ['EVENT'], required: 1,
  });
  const action = positionals[0] as SimulatedAction;
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown event ${JSON.stringify(action)}: say which event, one of ${ACTIONS.join(', ')}`);
  if (values.repo === undefined || values.pr === undefined) throw new UsageError('--repo O/R and --pr N are required');
  const env = envOfRepoPr(values.repo, values.pr);
  const sha = values.sha ?? randomBytes(20).toString('hex');
  const settings = await loadCliSettings(io);
  const secret = await readWebhookSecret(settings.dataDir, settings.webhookSecret);
  if (secret === null) {
    io.stderr.write(`previewd simulate: no webhook secret: set WEBHOOK_SECRET, or start previewd once so that it generates ${webhookSecretPath(settings.dataDir)}\n`);
    return EXIT.failed;
  }
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
  const base = values.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${settings.port}`;
  const payload = simulatedPullRequest({
    ...env, action, sha, author: values.author ?? 'octocat', branch: values.branch ?? 'feature/simulated', merged: action === 'closed', now: new Date(),
  });
  const body = JSON.stringify(payload);
  const delivery = randomUUID();
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/+$/, '')}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/previewd-simulate', 'x-github-event': 'pull_request',
        'x-github-delivery': delivery, 'x-hub-signature-256': await new Webhooks({ secret }).sign(body),
      },
      body,
    });
  } catch (err) {
    io.stderr.write(`previewd simulate: could not reach previewd at ${base}: ${err instanceof Error ? err.message : String(err)}. Is 'npm start' running?\n`);
    return EXIT.failed;
  }
  const text = await response.text();
  io.stdout.write(`${action} ${env.owner}/${env.repo}#${env.pr} at ${sha.slice(0, 7)} (delivery ${delivery}): HTTP ${response.status} ${text}\n`);
  return response.status === 202 ? EXIT.done : EXIT.failed;
}
