import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { freePort } from '../helpers/free-port.ts';
import { git } from '../helpers/git-cli.ts';

function io(env: NodeJS.ProcessEnv, cwd: string) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env, cwd } as never,
  };
}

describe('previewd serve', () => {
  test('bad settings: one message listing every problem, exit code 2, no secret echoed', async () => {
    const { out, io: cli } = io({ PORT: 'abc', GITOPS_TOKEN: 'tok-secret-123', LOG_LEVEL: 'loud' }, tmpdir());
    assert.equal(await main(['serve'], cli), 2);
    assert.match(out.stderr, /PORT/);
    assert.match(out.stderr, /LOG_LEVEL/);
    assert.match(out.stderr, /GITOPS_TOKEN/);
    assert.ok(!out.stderr.includes('tok-secret-123'));
  });

  test('embedded defaults: serves, a simulated PR becomes an environment, SIGTERM finishes and exits 0', { timeout: 60_000 }, async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-serve-'));
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1' };
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, '../../src/cli/run.ts'), 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !log.includes('previewd is listening'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(log, /previewd is listening/, log);
      assert.match(log, /GitHub reporting is off/);
      assert.match(log, /generated a webhook secret/);
      assert.ok(existsSync(join(cwd, '.previewd', 'webhook-secret')));
      const sha = 'ab'.repeat(20);
      const sim = io(env, cwd);
      assert.equal(await main(['simulate', 'opened', '--repo', 'demo/app', '--pr', '1', '--sha', sha], sim.io), 0, sim.out.stderr);
      assert.match(sim.out.stdout, /HTTP 202/);
      const repo = join(cwd, '.previewd', 'gitops');
      for (let i = 0; i < 100; i++) {
        if (existsSync(join(repo, 'previews/demo/app/pr-1/preview.json'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(await git(repo, ['log', '-1', '--format=%s']), `preview(demo/app#1): create at ${sha.slice(0, 7)}`);
      const list = io(env, cwd);
      assert.equal(await main(['list'], list.io), 0, list.out.stderr);
      assert.match(list.out.stdout, /demo\/app#1\s+ababab/);
      const history = io(env, cwd);
      assert.equal(await main(['history', 'demo/app#1'], history.io), 0, history.out.stderr);
      assert.match(history.out.stdout, /create\s+ababab/);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(metrics, /^previewd_github_requests_total|^# HELP previewd_webhooks_total/m);
      assert.ok(!metrics.includes('previewd_github_rate_limit_remaining'), 'GitHub is off: no rate-limit series for the alert to read as 0');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, log);
      assert.match(log, /"msg":"stopped"/);
      // No remote in local mode: the log says what publishing did, not that it pushed somewhere.
      assert.match(log, /"msg":"published: moved the local GitOps repository's branch to the new commits \(no remote: GITOPS_REPO_URL is not set\)"/);
      assert.ok(!log.includes('published to the GitOps remote'));
      assert.ok(!log.includes('Deprecation'), 'no deprecation warnings');
    } finally {
      child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
