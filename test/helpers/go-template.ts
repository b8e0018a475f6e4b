import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KubeBinaries } from './real-kube/kube-binaries.ts';

const run = promisify(execFile);
const source = fileURLToPath(new URL('./go-template/render.go', import.meta.url));

/** One rendered template: the object, or Go's own error (what Argo CD puts in the ApplicationSet's status). */
export type GoRendered = { ok: true; app: Record<string, unknown> } | { ok: false; error: string };

/** Renders an ApplicationSet template with real Go text/template + sprig, as Argo CD's controller does. */
export interface GoTemplateRenderer {
  render(template: unknown, params: Array<Record<string, unknown>>, options?: string[]): Promise<GoRendered[]>;
}

/**
 * Builds test/helpers/go-template/render.go with bookworm's Go in GOPATH mode against Debian's sprig
 * (from scripts/kube-apiserver.sh's cache), once per version of the source, and returns its runner.
 */
export async function goTemplateRenderer(binaries: KubeBinaries): Promise<GoTemplateRenderer> {
  const text = await readFile(source);
  const hash = createHash('sha256').update(text).update(binaries.goRoot).digest('hex').slice(0, 16);
  const binDir = path.join(path.dirname(binaries.goPath), 'bin');
  const binary = path.join(binDir, `render-${hash}`);
  const exists = await access(binary).then(() => true, () => false);
  if (!exists) {
    await mkdir(binDir, { recursive: true });
    const env = { ...process.env, GO111MODULE: 'off', GOPATH: binaries.goPath, GOROOT: binaries.goRoot, GOFLAGS: '', GOPROXY: 'off', CGO_ENABLED: '0', GOCACHE: path.join(path.dirname(binaries.goPath), 'gocache') };
    const tmp = `${binary}.${process.pid}`;
    await run(path.join(binaries.goRoot, 'bin', 'go'), ['build', '-o', tmp, source], { env, timeout: 300_000 });
    await rename(tmp, binary);
  }
  return {
    render: (template, params, options = ['missingkey=error']) => new Promise((resolve, reject) => {
      const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`render.go exited ${code}: ${err}`));
        const results = JSON.parse(out) as Array<{ app?: Record<string, unknown>; error?: string }>;
        resolve(results.map((r) => (r.error !== undefined ? { ok: false, error: r.error } : { ok: true, app: r.app ?? {} })));
      });
      child.stdin.end(JSON.stringify({ template, options, params }));
    }),
  };
}

const ACTION_RE = /\{\{(.*?)\}\}/gs;

/** The text of every `{{ … }}` action in the template's strings and map keys, in order. */
export function templateActions(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(ACTION_RE)].map((m) => (m[1] as string).trim());
  if (Array.isArray(value)) return value.flatMap(templateActions);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [...templateActions(k), ...templateActions(v)]);
  return [];
}
