import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(kubeconfig: string, args: string[]): ChildProcess {
  const home = path.dirname(kubeconfig);
  // A private HOME and cache: kubectl must not read or write the user's ~/.kube.
  return spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(home, 'kube-cache'), ...args], {
    env: { PATH: process.env.PATH, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs kubectl to completion, killed after `timeoutMs`. */
export function runKubectl(kubeconfig: string, args: string[], timeoutMs = 15_000): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = start(kubeconfig, args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running kubectl (`get -w`) whose stdout is read line by line. */
export interface KubectlWatch {
  readonly lines: string[];
  stderr(): string;
  /** Resolves once `count` lines have been printed; rejects after `timeoutMs` or if kubectl exits first. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  /** Kills kubectl and waits for it to exit. */
  stop(): Promise<void>;
}

export function watchKubectl(kubeconfig: string, args: string[]): KubectlWatch {
  const child = start(kubeconfig, args);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  const waiters = new Set<() => void>();
  const wake = (): void => waiters.forEach((w) => w());
  child.stdout?.on('data', (d: Buffer) => {
    const text = partial + d.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    wake();
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const closed = new Promise<void>((resolve) => child.on('close', () => {
    exited = true;
    wake();
    resolve();
  }));
  return {
    lines,
    stderr: () => stderr,
    waitForLines(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (lines.length >= count) done(() => resolve(lines.slice(0, count)));
          else if (exited) done(() => reject(new Error(`kubectl exited after ${lines.length} of ${count} lines: ${stderr}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`kubectl printed ${lines.length} of ${count} lines in ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`))), timeoutMs);
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (!exited) child.kill('SIGKILL');
      await closed;
    },
  };
}
