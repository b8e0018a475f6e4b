import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';

const RUN = join(import.meta.dirname, '../../src/cli/run.ts');

/** `previewd serve` as a child; resolves with its exit code and output, or fails after `ms` (bounded). */
async function serveOnce(env: Record<string, string>, cwd: string, ms = 60_000): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), RUN, 'serve'], {
    cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, out };
}

describe('previewd serve refuses what it must not share', () => {
  let cwd: string;
  let first: PreviewdProcess;
  let port: number;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'previewd-refusals-'));
    port = await freePort();
    first = await startPreviewdProcess({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'one') }, cwd);
  });
  after(async () => {
    await first.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  test('the running one holds a lock on its DATA_DIR naming its pid; a second serve there exits 2 at once, naming it', async () => {
    const lock = JSON.parse(await readFile(join(cwd, 'one', 'previewd.lock'), 'utf8')) as { pid: number; host: string };
    assert.equal(lock.pid, first.child.pid);
    assert.equal(lock.host, hostname());
    const second = await serveOnce({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'one') }, cwd);
    assert.equal(second.code, 2, second.out);
    assert.match(second.out, new RegExp(`^previewd serve: DATA_DIR is in use by another previewd: pid ${first.child.pid} on ${hostname()}`));
    assert.ok(!second.out.includes('previewd is listening'));
    assert.ok(!second.out.includes('GitOps repository:'), 'it opened nothing: no settings described, no store');
    // The first one is untouched: same lock, still answering.
    assert.equal(JSON.parse(await readFile(join(cwd, 'one', 'previewd.lock'), 'utf8')).pid, first.child.pid);
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  });

  test('a second serve on the taken port (its own DATA_DIR) exits 2 at once with a clear message, and leaves its lock behind it released', async () => {
    const second = await serveOnce({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'two') }, cwd);
    assert.equal(second.code, 2, second.out);
    assert.match(second.out, new RegExp(`previewd serve: port ${port} is already in use \\(127\\.0\\.0\\.1:${port}\\): another process listens there — is previewd already running\\? Stop it, or set PORT to a free port`));
    assert.ok(!/EADDRINUSE[\s\S]*\n\s+at /.test(second.out), 'no stack');
    assert.ok(!existsSync(join(cwd, 'two', 'previewd.lock')), 'the lock is released on the way out');
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  });

  test('a stale lock (its pid gone) is taken over, and released at a clean stop', async () => {
    const dir = join(cwd, 'three');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    await mkdir(dir);
    await writeFile(join(dir, 'previewd.lock'), JSON.stringify({ pid: dead.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const third = await startPreviewdProcess({ PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dir }, cwd);
    try {
      assert.equal(JSON.parse(await readFile(join(dir, 'previewd.lock'), 'utf8')).pid, third.child.pid);
    } finally {
      assert.equal(await third.stop(), 0);
    }
    assert.ok(!existsSync(join(dir, 'previewd.lock')));
  });
});
