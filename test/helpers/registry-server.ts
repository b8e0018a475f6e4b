import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from 'yaml';
import { freePort } from './free-port.ts';

/**
 * Debian's `docker-registry` (the CNCF distribution registry) on 127.0.0.1 with a temporary storage
 * directory, run as a child process (never a system service) and stopped by `close`. `auth`:
 * `htpasswd` (basic auth for one user) or `token` (the bearer token flow, with a token server in
 * this process that signs JWTs with a throw-away certificate the registry trusts).
 */
export interface RegistryServer {
  /** `127.0.0.1:<port>`: the image host. */
  host: string;
  baseUrl: string;
  user: { username: string; password: string };
  /** What the registry process wrote (its access log), to search for secrets. */
  output(): string;
  /** Requests the token server saw, with their Authorization header. */
  tokenRequests: Array<{ url: string; authorization: string | undefined }>;
  /** Pushes a small image (config and one layer blob, then the manifest) as `name:tag`, with plain HTTP calls. */
  push(name: string, tag: string): Promise<void>;
  close(): Promise<void>;
}

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export async function startRegistry(auth: 'htpasswd' | 'token'): Promise<RegistryServer> {
  const dir = await mkdtemp(join(tmpdir(), 'previewd-registry-'));
  const user = { username: 'previewd-ci', password: `pw-${randomUUID()}` };
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: RegistryServer['tokenRequests'] = [];
  let tokenServer: Server | null = null;
  let signToken: ((scope: string) => string) | null = null;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
    http: { addr: host, secret: randomUUID() },
  };
  if (auth === 'htpasswd') {
    // bcrypt, as the registry requires; the password goes on the command line of a short-lived tool.
    const line = execFileSync('htpasswd', ['-Bbn', user.username, user.password], { encoding: 'utf8' });
    await writeFile(join(dir, 'htpasswd'), line);
    config.auth = { htpasswd: { realm: 'previewd-test', path: join(dir, 'htpasswd') } };
  } else {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=previewd-test-token', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const key = await readFile(join(dir, 'key.pem'), 'utf8');
    const der = Buffer.from((await readFile(join(dir, 'cert.pem'), 'utf8')).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    signToken = (scope) => jwt(key, der, scope);
    tokenServer = createServer((req, res) => {
      tokenRequests.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const scope = new URL(req.url ?? '/', 'http://x').searchParams.get('scope') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: signToken?.(scope), expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer?.listen(0, '127.0.0.1', resolve));
    const tokenPort = (tokenServer.address() as AddressInfo).port;
    config.auth = { token: { realm: `http://127.0.0.1:${tokenPort}/token`, service: 'previewd-test-registry', issuer: 'previewd-test-issuer', rootcertbundle: join(dir, 'cert.pem') } };
  }
  await writeFile(join(dir, 'config.yml'), new Document(config).toString());
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://${host}`;

  const close = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  };

  // Ready when /v2/ answers (401: auth is on); bounded, a registry that does not come up fails the test.
  const until = Date.now() + 20_000;
  for (;;) {
    const answer = await fetch(`${baseUrl}/v2/`).then((r) => r.status, () => 0);
    if (answer === 401) break;
    if (child.exitCode !== null || Date.now() > until) {
      await close();
      throw new Error(`docker-registry did not start on ${host}: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  async function authorization(name: string): Promise<string> {
    const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    return signToken === null ? basic : `Bearer ${signToken(`repository:${name}:pull,push`)}`;
  }

  return {
    host, baseUrl, user, tokenRequests,
    output: () => output,
    async push(name, tag) {
      const headers = { authorization: await authorization(name) };
      const configBlob = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
      const layer = Buffer.from(`previewd test layer ${name}:${tag}\n`);
      const upload = async (blob: Buffer): Promise<string> => {
        const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
        const start = await fetch(`${baseUrl}/v2/${name}/blobs/uploads/`, { method: 'POST', headers });
        if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status} ${await start.text()}`);
        const location = new URL(start.headers.get('location') ?? '', baseUrl);
        location.searchParams.set('digest', digest);
        const put = await fetch(location, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: blob });
        if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
        return digest;
      };
      const manifest = {
        schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await upload(configBlob), size: configBlob.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: await upload(layer), size: layer.length }],
      };
      const put = await fetch(`${baseUrl}/v2/${name}/manifests/${tag}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: JSON.stringify(manifest) });
      if (put.status !== 201) throw new Error(`manifest upload: HTTP ${put.status} ${await put.text()}`);
    },
    close,
  };
}

// A registry token: RS256 over the certificate's key, the certificate in `x5c` (the registry checks it
// against its rootcertbundle), access to the scope's repository and actions.
function jwt(key: string, certificateDer: Buffer, scope: string): string {
  const [type, name, actions] = scope.split(':');
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certificateDer.toString('base64')] };
  const claims = {
    iss: 'previewd-test-issuer', sub: 'previewd-ci', aud: 'previewd-test-registry', exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(),
    access: type === 'repository' && name ? [{ type, name, actions: (actions ?? 'pull').split(',') }] : [],
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}
