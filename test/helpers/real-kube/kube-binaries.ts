import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), 'scripts', 'kube-apiserver.sh');

/** The binaries scripts/kube-apiserver.sh built (or found in its cache). */
export interface KubeBinaries {
  kubeApiserver: string;
  etcd: string;
  etcdctl: string;
  /** Bookworm's Go and a GOPATH holding sprig and its dependencies, for the Argo CD template renderer. */
  goRoot: string;
  goPath: string;
}

export type KubeBinariesResult = { ok: true; binaries: KubeBinaries } | { ok: false; reason: string };

/**
 * Runs scripts/kube-apiserver.sh: instant when its cache has the binaries, a one-time build (4–10 min)
 * when not. `.ci/run` runs it before the tests, so in CI this only reads the cache. Never throws: a
 * machine that cannot build them gets the reason, for the tests to skip with it loudly.
 */
export async function kubeBinaries(): Promise<KubeBinariesResult> {
  try {
    const { stdout } = await run('bash', [script], { maxBuffer: 16 * 1024 * 1024, timeout: 20 * 60_000 });
    const vars = Object.fromEntries(stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const need = (name: string): string => vars[name] ?? (() => { throw new Error(`scripts/kube-apiserver.sh printed no ${name}`); })();
    return { ok: true, binaries: { kubeApiserver: need('KUBE_APISERVER'), etcd: need('ETCD'), etcdctl: need('ETCDCTL'), goRoot: need('GO_TEMPLATE_GOROOT'), goPath: need('GO_TEMPLATE_GOPATH') } };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    return { ok: false, reason: `scripts/kube-apiserver.sh failed: ${error instanceof Error ? error.message : String(error)}\n${stderr.split('\n').slice(-15).join('\n')}` };
  }
}

/** The loud line a skipped test prints: what is missing and how to get it. */
export function skipReason(reason: string): string {
  const line = '!'.repeat(100);
  const message = `${line}\nSKIPPED: the real kube-apiserver + etcd could not be built on this machine, so the tests against a real\nKubernetes API server did not run. Run \`bash scripts/kube-apiserver.sh\` to see why (it needs Debian's apt archive).\n${reason}\n${line}`;
  console.error(message);
  return message;
}
