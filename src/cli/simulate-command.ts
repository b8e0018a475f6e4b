import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhooks } from '@octokit/webhooks';
import { readWebhookSecret, webhookSecretPath } from '../adapters/webhook-secret.ts';
import { parseEnvLabel } from '../domain/environment.ts';
import { simulatedPullRequest, type SimulatedAction } from '../domain/simulated-pull-request.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';

const ACTIONS: readonly SimulatedAction[] = ['opened', 'synchronize', 'closed', 'reopened'];

const USAGE = `Usage: previewd simulate opened|synchronize|closed|reopened --repo O/R --pr N [--sha S] [--author A] [--url URL]

Signs a realistic pull_request webhook with the running previewd's secret (WEBHOOK_SECRET, else the one
generated in DATA_DIR) and sends it to previewd (--url, default http://127.0.0.1:$PORT), as GitHub would.
Without --sha, a new random head commit (a push) is simulated.`;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'send a signed pull_request event to a running previewd',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { repo: { type: 'string' }, pr: { type: 'string' }, sha: { type: 'string' }, author: { type: 'string' }, url: { type: 'string' }, branch: { type: 'string' } },
    });
    const action = positionals[0] as SimulatedAction | undefined;
    if (!action || !ACTIONS.includes(action) || positionals.length > 1) throw new UsageError(`say which event: ${ACTIONS.join(', ')}`);
    if (!values.repo || !values.pr) throw new UsageError('--repo O/R and --pr N are required');
    const env = parseEnvLabel(`${values.repo}#${values.pr}`);
    const sha = values.sha ?? randomBytes(20).toString('hex');
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new UsageError('--sha must be a full 40-character commit sha (lower-case hex)');
    const { settings } = await loadCliSettings(io);
    const secret = await readWebhookSecret(settings.dataDir, settings.webhookSecret);
    if (secret === null) {
      io.stderr.write(`previewd simulate: no webhook secret: set WEBHOOK_SECRET, or start previewd once so that it generates ${webhookSecretPath(settings.dataDir)}\n`);
      return 1;
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
      return 1;
    }
    const text = await response.text();
    io.stdout.write(`${action} ${env.owner}/${env.repo}#${env.pr} at ${sha.slice(0, 7)} (delivery ${delivery}): HTTP ${response.status} ${text}\n`);
    return response.status === 202 ? 0 : 1;
  },
};
