import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';

const SHA = 'ab'.repeat(20);

// Every command, one table: the command line, the exit code (0 done, 1 refused or failed, 2 usage) and
// what the message says. None of these reaches the GitOps repository or the network.
const TABLE: Array<[args: string[], code: number, message: RegExp]> = [
  [['list', 'extra'], 2, /^previewd list: unexpected argument "extra": this command takes no arguments/],
  [['list', '--bogus'], 2, /^previewd list: unknown option --bogus/],
  [['list', '--json=yes'], 2, /^previewd list: --json takes no value/],
  [['serve', 'extra'], 2, /^previewd serve: unexpected argument "extra"/],
  [['serve', '--port', '3000'], 2, /^previewd serve: unknown option --port/],
  [['history'], 2, /^previewd history: missing OWNER\/REPO#N/],
  [['history', 'demo/app#abc'], 2, /^previewd history: "demo\/app#abc" is not an environment: write it as owner\/repo#number/],
  [['history', 'demo/app#1', 'demo/app#2'], 2, /^previewd history: unexpected argument "demo\/app#2" after OWNER\/REPO#N/],
  [['history', 'demo/app#1', '--limit', '3'], 2, /^previewd history: unknown option --limit/],
  [['rollback', 'demo/app#abc', '--to', 'abc1234'], 2, /^previewd rollback: "demo\/app#abc" is not an environment/],
  [['rollback', 'demo/app#1'], 2, /^previewd rollback: --to is required/],
  [['rollback', 'demo/app#1', '--to'], 2, /^previewd rollback: --to needs a value/],
  [['rollback', 'demo/app#1', '--to', '--actor', 'me'], 2, /^previewd rollback: --to needs a value/],
  [['rollback', 'demo/app#1', '--to', 'xyz'], 2, /^previewd rollback: --to must be a GitOps commit id/],
  [['rollback', 'demo/app#1', '--to', 'abc1234', '--force'], 2, /^previewd rollback: unknown option --force/],
  [['reconcile'], 2, /^previewd reconcile: --once is required/],
  [['reconcile', '--once', 'now'], 2, /^previewd reconcile: unexpected argument "now"/],
  [['init'], 2, /^previewd init: missing DIR/],
  [['init', ''], 2, /^previewd init: DIR must not be empty/],
  [['init', 'a', 'b'], 2, /^previewd init: unexpected argument "b" after DIR/],
  [['render', '--pr', '1', '--sha', SHA], 2, /^previewd render: --repo is required/],
  [['render', '--repo', 'demo/app', '--pr', 'abc', '--sha', SHA], 2, /^previewd render: --pr must be a PR number \(1, 2, …\), not "abc"/],
  [['render', '--repo', 'demo/app', '--pr', '-1', '--sha', SHA], 2, /^previewd render: --pr must be a PR number \(1, 2, …\), not "-1"/],
  [['render', '--repo', 'demo/app', '--pr', '1', '--sha', 'xyz'], 2, /^previewd render: --sha must be a full commit sha \(40 hex digits\), not "xyz"/],
  [['render', '--repo', 'demo', '--pr', '1', '--sha', SHA], 2, /^previewd render: --repo must be owner\/name/],
  [['render', '--repo', 'demo/app', '--pr', '1', '--sha', SHA, 'extra'], 2, /^previewd render: unexpected argument "extra"/],
  [['simulate', '--repo', 'demo/app', '--pr', '1'], 2, /^previewd simulate: missing EVENT/],
  [['simulate', 'merged', '--repo', 'demo/app', '--pr', '1'], 2, /^previewd simulate: unknown event "merged": say which event, one of opened, synchronize, closed, reopened/],
  [['simulate', 'opened', '--repo', 'demo/app', '--pr', 'abc'], 2, /^previewd simulate: --pr must be a PR number \(1, 2, …\), not "abc"/],
  [['simulate', 'opened', '--repo', 'demo/app', '--pr', '-1'], 2, /^previewd simulate: --pr must be a PR number/],
  [['simulate', 'opened', '--repo', 'demo/app', '--pr', '1', '--sha', 'xyz'], 2, /^previewd simulate: --sha must be a full commit sha/],
  [['simulate', 'opened', 'closed', '--repo', 'demo/app', '--pr', '1'], 2, /^previewd simulate: unexpected argument "closed" after EVENT/],
  [['nope'], 2, /^previewd: unknown command 'nope'/],
  [['--bogus'], 2, /^previewd: unknown option '--bogus'/],
  [[], 2, /^Usage: previewd <command>/],
  // Refused or failed: the command line was right.
  [['history', 'demo/app#1'], 0, /^$/],
  [['rollback', 'demo/app#1', '--to', 'deadbeef'], 1, /^previewd rollback: demo\/app#1 was not rolled back: there is no commit "deadbeef"/],
  [['simulate', 'opened', '--repo', 'demo/app', '--pr', '1', '--url', 'http://127.0.0.1:9'], 1, /^previewd simulate: (no webhook secret|could not reach previewd)/],
];

describe('the command line: one parser, one table of exit codes', () => {
  let data: string;
  before(async () => {
    data = await mkdtemp(join(tmpdir(), 'previewd-cli-args-'));
  });
  after(() => rm(data, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) },
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: data, WEBHOOK_SECRET: 'test-secret' }, cwd: data,
    } as never);
    return { code, stdout, stderr };
  }

  for (const [args, code, message] of TABLE) {
    test(`previewd ${args.join(' ')} → ${code}`, async () => {
      const result = await run(args);
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, message);
      // A usage mistake shows the command's usage (a command that exists), never a stack.
      if (code === 2 && args[0] !== undefined && !args[0].startsWith('-') && args[0] !== 'nope') assert.match(result.stderr, new RegExp(`Usage: previewd ${args[0]}`));
      assert.ok(!/\n\s+at /.test(result.stderr), result.stderr);
    });
  }

  test('--version prints package.json\'s version; --help and each command\'s --help exit 0', async () => {
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
    assert.deepEqual(await run(['--version']), { code: 0, stdout: `previewd ${version}\n`, stderr: '' });
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 done, 1 refused or failed, 2 usage/);
    for (const name of ['serve', 'simulate', 'list', 'history', 'reconcile', 'rollback', 'init', 'render']) {
      const one = await run([name, '--help']);
      assert.equal(one.code, 0, name);
      assert.match(one.stdout, new RegExp(`^Usage: previewd ${name}`));
    }
  });

  test('DATA_DIR that cannot be made is exit 2 with a clear message, at once (it spun under /proc before)', async () => {
    let stderr = '';
    const code = await main(['list'], {
      stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) },
      env: { PATH: process.env.PATH, DATA_DIR: '/proc/nope' }, cwd: data,
    } as never);
    assert.equal(code, 2);
    assert.match(stderr, /^previewd list: DATA_DIR \/proc\/nope cannot be used \(E[A-Z]+ at \/proc\/nope\): set DATA_DIR to a folder previewd may create and write/);
  });
});
