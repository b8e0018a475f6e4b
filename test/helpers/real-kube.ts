import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crdDir } from './argo-crds.ts';
import { freePort } from './free-port.ts';
import { makeCertificates, type ServerCertificates } from './real-kube/certificates.ts';
import { kubeBinaries, skipReason, type KubeBinaries } from './real-kube/kube-binaries.ts';
import { startProcess, type KubeProcess } from './real-kube/kube-process.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN_TOKEN = 'previewd-test-admin-token';
const PREVIEWD_TOKEN = 'previewd-test-serviceaccount-token';

export type KubeUser = 'admin' | 'previewd';

/** What a request to the real API server answered. */
export interface KubeAnswer {
  status: number;
  body: unknown;
}

/**
 * A real etcd + kube-apiserver v1.20.2 on 127.0.0.1: TLS with a throw-away CA, static tokens (an admin
 * in system:masters, and previewd as the ServiceAccount argocd/previewd), RBAC on, Argo CD's CRDs and
 * argocd/ (rbac.yaml, the AppProject, the ApplicationSet) applied. No controller runs: the test plays
 * Argo CD's part by writing Applications and their status.
 */
export interface RealKube {
  readonly url: string;
  readonly namespace: string;
  readonly binaries: KubeBinaries;
  readonly dir: string;
  kubeconfig(user?: KubeUser): string;
  /** Writes that user's kubeconfig into `dir` and returns its path. */
  writeKubeconfig(dir: string, user?: KubeUser): Promise<string>;
  kubectl(args: string[], options?: { user?: KubeUser; input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  request(method: string, apiPath: string, body?: unknown, contentType?: string, user?: KubeUser): Promise<KubeAnswer>;
  /** Kills the API server (SIGKILL); etcd stays. */
  stopServer(): Promise<void>;
  /** Starts the API server again and waits until it is ready; `watchCache: false` makes etcd's compaction reach watches. */
  startServer(options?: { watchCache?: boolean }): Promise<void>;
  /** Every request made as previewd's ServiceAccount so far, kubectl's included (started with `audit: true`; empty otherwise). */
  audited(): Promise<AuditedRequest[]>;
  /** Compacts etcd's history up to its current revision: a watch from an older resourceVersion gets 410. */
  compact(): Promise<void>;
  close(): Promise<void>;
}

/** One request the API server's audit log recorded (previewd's only: its ServiceAccount is the one audited). */
export interface AuditedRequest {
  verb: string;
  resource: string;
  name?: string;
  code: number;
  uri: string;
  userAgent: string;
}

export type RealKubeResult = { ok: true; kube: RealKube } | { ok: false; skip: string };

async function httpsCall(url: string, ca: Buffer, token: string, method: string, apiPath: string, body?: unknown, contentType = 'application/json'): Promise<KubeAnswer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${url}${apiPath}`, {
      method, ca, timeout: 30_000,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(payload !== undefined && { 'content-type': contentType }) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON (readyz answers text): keep the text.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Starts etcd and kube-apiserver in a fresh directory (ready in ~5–15 s; ~0.7 GB), or says why it
 * cannot: the binaries come from scripts/kube-apiserver.sh, and only their absence skips a test.
 */
export async function startRealKube(options: { watchCache?: boolean; audit?: boolean } = {}): Promise<RealKubeResult> {
  const found = await kubeBinaries();
  if (!found.ok) return { ok: false, skip: skipReason(found.reason) };
  const { binaries } = found;
  const dir = await mkdtemp(path.join(tmpdir(), 'previewd-real-kube-'));
  const certs: ServerCertificates = await makeCertificates(dir);
  const ca = await readFile(certs.caCert);
  await writeFile(path.join(dir, 'tokens.csv'), [
    `${ADMIN_TOKEN},previewd-test-admin,admin-uid,"system:masters"`,
    `${PREVIEWD_TOKEN},system:serviceaccount:argocd:previewd,previewd-uid,"system:serviceaccounts,system:serviceaccounts:argocd,system:authenticated"`,
    '',
  ].join('\n'), { mode: 0o600 });
  const [etcdPort, peerPort, metricsPort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const etcd = startProcess(binaries.etcd, [
    '--name', 'test', '--data-dir', path.join(dir, 'etcd'),
    '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `test=http://127.0.0.1:${peerPort}`, '--listen-metrics-urls', `http://127.0.0.1:${metricsPort}`,
  ], path.join(dir, 'etcd.log'));
  const url = `https://127.0.0.1:${apiPort}`;
  let server: KubeProcess | undefined;
  const namespace = 'argocd';

  const auditLog = path.join(dir, 'audit.log');
  const auditPolicy = path.join(dir, 'audit-policy.yaml');
  // One line per request of previewd's ServiceAccount (its response, or a watch's start), none for others.
  await writeFile(auditPolicy, [
    'apiVersion: audit.k8s.io/v1', 'kind: Policy', 'omitStages: ["RequestReceived"]', 'rules:',
    '  - level: Metadata', '    users: ["system:serviceaccount:argocd:previewd"]', '  - level: None', '',
  ].join('\n'));
  async function startServer(startOptions: { watchCache?: boolean } = options): Promise<void> {
    await mkdir(path.join(dir, 'cert'), { recursive: true });
    const audit = options.audit ? [`--audit-policy-file=${auditPolicy}`, `--audit-log-path=${auditLog}`, '--audit-log-format=json', '--audit-log-mode=blocking'] : [];
    server = startProcess(binaries.kubeApiserver, [
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`, '--insecure-port=0',
      `--etcd-servers=${etcdUrl}`, `--tls-cert-file=${certs.serverCert}`, `--tls-private-key-file=${certs.serverKey}`,
      `--client-ca-file=${certs.caCert}`, `--token-auth-file=${path.join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC',
      '--anonymous-auth=false', '--service-account-issuer=https://kubernetes.default.svc', `--service-account-key-file=${certs.saPublicKey}`,
      `--service-account-signing-key-file=${certs.saPrivateKey}`, '--service-cluster-ip-range=10.96.0.0/24', '--profiling=false',
      `--cert-dir=${path.join(dir, 'cert')}`, `--watch-cache=${startOptions.watchCache === false ? 'false' : 'true'}`, ...audit,
    ], path.join(dir, 'kube-apiserver.log'));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const answer = await httpsCall(url, ca, ADMIN_TOKEN, 'GET', '/readyz').catch(() => undefined);
      if (answer?.status === 200) return;
      if (server.child.exitCode !== null) throw new Error(`kube-apiserver exited (${server.child.exitCode}); see ${path.join(dir, 'kube-apiserver.log')}`);
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready after 120 s; see ${path.join(dir, 'kube-apiserver.log')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const kubeconfig = (user: KubeUser = 'admin'): string => [
    'apiVersion: v1', 'kind: Config',
    'clusters:', `- name: real\n  cluster:\n    server: ${url}\n    certificate-authority-data: ${ca.toString('base64')}`,
    'users:', `- name: ${user}\n  user:\n    token: ${user === 'admin' ? ADMIN_TOKEN : PREVIEWD_TOKEN}`,
    'contexts:', `- name: real\n  context:\n    cluster: real\n    user: ${user}\n    namespace: ${namespace}`,
    'current-context: real', '',
  ].join('\n');
  const kubeconfigFiles = new Map<KubeUser, string>();
  async function writeKubeconfig(into: string, user: KubeUser = 'admin'): Promise<string> {
    const file = path.join(into, `kubeconfig-${user}`);
    await writeFile(file, kubeconfig(user), { mode: 0o600 });
    return file;
  }
  async function kubectl(args: string[], kubectlOptions: { user?: KubeUser; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const user = kubectlOptions.user ?? 'admin';
    const file = kubeconfigFiles.get(user) ?? (await writeKubeconfig(dir, user));
    kubeconfigFiles.set(user, file);
    return new Promise((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', file, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      if (kubectlOptions.input !== undefined) child.stdin?.end(kubectlOptions.input);
    });
  }
  const must = async (args: string[], input?: string): Promise<string> => {
    const result = await kubectl(args, input === undefined ? {} : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };

  try {
    await startServer();
    // The ApplicationSet CRD is larger than client-side apply's 256 KiB annotation: server-side for all.
    await must(['apply', '--server-side', '-f', crdDir]);
    // Polled: kubectl wait fails outright while a CRD has no conditions yet.
    const crds = ['applications', 'applicationsets', 'appprojects'].map((p) => `crd/${p}.argoproj.io`);
    const established = '{range .items[*]}{.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}';
    const crdDeadline = Date.now() + 60_000;
    while ((await kubectl(['get', ...crds, '-o', `jsonpath=${established}`])).stdout.split('\n').filter((l) => l === 'True').length < crds.length) {
      if (Date.now() > crdDeadline) throw new Error('Argo CD\'s CRDs not Established after 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    await must(['create', 'namespace', namespace]);
    await must(['apply', '--server-side', '-k', path.join(repoRoot, 'argocd')]);
    // RBAC takes effect once the server's caches have the new Role: wait until previewd may list.
    const deadline = Date.now() + 30_000;
    while ((await kubectl(['get', 'applications', '-n', namespace], { user: 'previewd' })).code !== 0) {
      if (Date.now() > deadline) throw new Error('previewd\'s ServiceAccount still may not list Applications 30 s after argocd/rbac.yaml');
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await server?.kill();
    await etcd.kill();
    throw error;
  }

  return {
    ok: true,
    kube: {
      url, namespace, binaries, dir,
      kubeconfig, writeKubeconfig, kubectl,
      request: (method, apiPath, body, contentType, user = 'admin') => httpsCall(url, ca, user === 'admin' ? ADMIN_TOKEN : PREVIEWD_TOKEN, method, apiPath, body, contentType),
      async stopServer() {
        await server?.kill('SIGKILL');
      },
      startServer,
      async audited() {
        const text = await readFile(auditLog, 'utf8').catch(() => '');
        const seen = new Set<string>();
        const requests: AuditedRequest[] = [];
        for (const line of text.split('\n').filter(Boolean)) {
          const event = JSON.parse(line) as { auditID: string; verb: string; requestURI: string; userAgent?: string; objectRef?: { resource?: string; name?: string }; responseStatus?: { code?: number } };
          // A watch is logged when it starts and when it ends: count it once.
          if (seen.has(event.auditID)) continue;
          seen.add(event.auditID);
          requests.push({ verb: event.verb, resource: event.objectRef?.resource ?? '', ...(event.objectRef?.name ? { name: event.objectRef.name } : {}), code: event.responseStatus?.code ?? 0, uri: event.requestURI, userAgent: event.userAgent ?? '' });
        }
        return requests;
      },
      async compact() {
        const endpoint = ['--endpoints', etcdUrl];
        const { stdout } = await run(binaries.etcdctl, [...endpoint, 'endpoint', 'status', '-w', 'json'], { env: { ...process.env, ETCDCTL_API: '3' } });
        const revision = (JSON.parse(stdout) as Array<{ Status: { header: { revision: number } } }>)[0]?.Status.header.revision;
        if (!revision) throw new Error(`etcdctl endpoint status gave no revision: ${stdout}`);
        await run(binaries.etcdctl, [...endpoint, 'compact', String(revision)], { env: { ...process.env, ETCDCTL_API: '3' } });
      },
      async close() {
        await server?.kill('SIGKILL');
        await etcd.kill('SIGKILL');
        await rm(dir, { recursive: true, force: true });
      },
    },
  };
}
