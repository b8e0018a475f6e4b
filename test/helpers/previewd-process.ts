import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { githubHeaders, type Json } from './webhook-examples.ts';

const RUN = join(import.meta.dirname, '../../src/cli/run.ts');

/** A real `previewd serve` child process (tsx, the same entry point as the bin). */
export interface PreviewdProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  log(): string;
  /** Resolves with the exit code (or the signal's name) once it exited. */
  exited: Promise<number | string | null>;
  /** SIGKILL, and waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM (finish and publish), then SIGKILL if it has not exited within `ms`. */
  stop(ms?: number): Promise<number | string | null>;
}

/** Spawns `previewd serve` with exactly `env` (plus PATH and HOME) and waits until it listens (bounded). */
export async function startPreviewdProcess(env: Record<string, string>, cwd: string, timeoutMs = 90_000): Promise<PreviewdProcess> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), RUN, 'serve'], {
    cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? ''}`;
  const deadline = Date.now() + timeoutMs;
  // /healthz rather than the log line: the line is info, and a test may run at LOG_LEVEL=warn.
  while (!(await answers(`${url}/healthz`))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`previewd serve did not start listening:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child, url, exited, log: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop(ms = 20_000) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** `previewd <args>` run in this process (main() with its own streams): exit code and output. */
export async function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env: { PATH: process.env.PATH, ...env }, cwd };
  const code = await main(args, io as never);
  return { code, ...out };
}

/** Posts one delivery signed with `secret`; a refused connection (the process is down) is `error`. */
export async function deliverTo(url: string, secret: string, event: string, payload: Json, delivery: string): Promise<{ status: number } | { error: string }> {
  const body = JSON.stringify(payload);
  try {
    const response = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: await githubHeaders(secret, body, event, delivery), body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (err) {
    return { error: String(err) };
  }
}
