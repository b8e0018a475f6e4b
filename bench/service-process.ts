import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A server under test, in its own process, so that the load generator never shares its event loop. */
export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  /** What the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** CPU time (user + system, all threads) the process has used so far, ms. */
  cpuMs(): number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakRssMb(): number;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const ROOT = join(import.meta.dirname, '..');
// Linux reports CPU times in clock ticks; USER_HZ is 100 on every architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": the command name may hold spaces, so split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

function procPeakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function wrap(child: ChildProcess, url: string, output: () => string): ServerProcess {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
    // A process that never started never exits.
    child.once('error', () => child.pid === undefined && resolve(null));
  });
  const pid = child.pid as number;
  return {
    pid, url, output,
    cpuMs: () => procCpuMs(pid),
    peakRssMb: () => procPeakRssMb(pid),
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Starts a TypeScript entry point under tsx (the bench's own servers). */
function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, nodeFlags: string[]): { child: ChildProcess; output: () => string } {
  return spawnNode([...nodeFlags, '--import', import.meta.resolve('tsx'), entry, ...args], env, cwd);
}

// `previewd serve` runs compiled, as the image and `npm start` run it (tsx added ~30 MB of resident
// memory and its own start-up to every figure): built first when src/ is newer than dist/ (the check
// is npm start's, a walk of src/ when nothing changed).
function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.js')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed: previewd cannot run compiled');
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  // Bounded: a chatty child must not grow the bench's memory; the head and the tail are what matter.
  const keep = (chunk: Buffer): void => {
    text += chunk.toString();
    if (text.length > 200_000) text = `${text.slice(0, 50_000)}\n…\n${text.slice(-100_000)}`;
  };
  // A failed spawn shows as an exit before the server answers, with the reason in the output.
  child.on('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => text };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.pid === undefined) throw new Error(`the server exited (${String(child.exitCode)}) before answering:\n${output()}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`the server did not answer ${url}/healthz within 15 s:\n${output()}`);
}

export interface PreviewdProcessOptions {
  dataDir: string;
  secret: string;
  gitopsUrl: string;
  /** Writes a V8 CPU profile into this folder when the process exits. */
  cpuProfileDir?: string;
  /** Samples `process.memoryUsage()` in the process and writes the samples to this file when it exits (bench/memory-probe.mjs). */
  memoryProbeFile?: string;
  /** More node flags (a heap limit, `--heapsnapshot-signal`). */
  nodeFlags?: string[];
}

/**
 * `previewd serve` as in production: its own process, settings from the environment only (nothing of
 * the bench's environment leaks in: no GitHub token, no cluster), logging at warn.
 */
export async function startPreviewd(options: PreviewdProcessOptions): Promise<ServerProcess> {
  ensureBuilt();
  await mkdir(options.dataDir, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    WEBHOOK_SECRET: options.secret,
    GITOPS_REPO_URL: options.gitopsUrl,
    LOG_LEVEL: 'warn',
    ...(options.memoryProbeFile ? { MEMORY_PROBE_FILE: options.memoryProbeFile } : {}),
  };
  const flags = [...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []), ...(options.nodeFlags ?? [])];
  const preload = options.memoryProbeFile ? ['--import', import.meta.resolve('./memory-probe.mjs')] : [];
  const { child, output } = spawnNode([...flags, ...preload, join(ROOT, 'bin/previewd.js'), 'serve'], env, options.dataDir);
  const server = wrap(child, `http://127.0.0.1:${port}`, output);
  try {
    await waitForHealth(server.url, child, output);
  } catch (err) {
    await server.stop(2000);
    throw err;
  }
  return server;
}

/** bench/bare-server.ts: the same Fastify with one 202 route. */
export async function startBareServer(cwd: string, cpuProfileDir?: string): Promise<ServerProcess> {
  const flags = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const { child, output } = spawnTs(join(ROOT, 'bench/bare-server.ts'), [], { PATH: process.env.PATH }, cwd, flags);
  let url = '';
  for (let i = 0; i < 300 && url === ''; i++) {
    if (child.exitCode !== null) break;
    url = /^(http:\/\/\S+)\n/.exec(output())?.[1] ?? '';
    if (url === '') await sleep(50);
  }
  const server = wrap(child, url, output);
  if (url === '') {
    await server.stop(2000);
    throw new Error(`the bare server did not start:\n${output()}`);
  }
  await waitForHealth(url, child, output);
  return server;
}

/** A bench server entry point (prints its URL as the first line of stdout, answers /healthz), started with `args`. */
export async function startBenchServer(entry: string, args: string[], cwd: string): Promise<ServerProcess> {
  const { child, output } = spawnTs(join(ROOT, entry), args, { PATH: process.env.PATH }, cwd, []);
  let url = '';
  for (let i = 0; i < 300 && url === ''; i++) {
    if (child.exitCode !== null) break;
    url = /^(http:\/\/\S+)\n/.exec(output())?.[1] ?? '';
    if (url === '') await sleep(50);
  }
  const server = wrap(child, url, output);
  if (url === '') {
    await server.stop(2000);
    throw new Error(`${entry} did not start:\n${output()}`);
  }
  await waitForHealth(url, child, output);
  return server;
}
