import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real smart-HTTP git remote: `git http-backend` (CGI) behind a Node HTTP server on 127.0.0.1. */
export interface GitHttpServer {
  /** The clone URL of `<name>` (a bare repository below the project root). */
  url(name: string): string;
  /** While down, every request's connection is destroyed (the remote "refuses"). */
  setDown(down: boolean): void;
  /** Requests served so far, as `METHOD path?query`. */
  readonly log: string[];
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Folder holding bare repositories (`GIT_PROJECT_ROOT`). */
  root: string;
  /** When set, requests must carry these basic-auth credentials, else 401. */
  auth?: { username: string; password: string };
  /** Runs before a request reaches git; may delay it (to stage a race). */
  beforeRequest?: (method: string, path: string) => Promise<void> | void;
  /**
   * What becomes of git's answer to a request it has fully served: `send` (default); `drop`: the
   * connection is cut instead (the push landed, its answer is lost, as behind a proxy that timed out);
   * `stall`: the status and headers are sent, the body never (a remote that hangs mid-answer).
   */
  answer?: (method: string, path: string) => 'send' | 'drop' | 'stall';
}

// Holds git's output and plays it out as `answer` says, once git is done.
function withheld(res: ServerResponse, how: 'drop' | 'stall'): { write(chunk: Buffer): void; end(): void } {
  const parts: Buffer[] = [];
  return {
    write: (chunk) => void parts.push(chunk),
    end() {
      if (how === 'drop') {
        res.socket?.destroy();
        return;
      }
      res.flushHeaders();
    },
  };
}

function authorized(req: IncomingMessage, auth: GitHttpServerOptions['auth']): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return header === expected;
}

function runCgi(req: IncomingMessage, res: ServerResponse, root: string, how: 'send' | 'drop' | 'stall' = 'send'): void {
  const out = how === 'send' ? { write: (chunk: Buffer) => void res.write(chunk), end: () => void res.end() } : withheld(res, how);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    // http-backend refuses receive-pack to anonymous users; the bridge stands for an authenticated server.
    REMOTE_USER: 'previewd-test',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: root,
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  // The client went away while `beforeRequest` held its request: there is no one to answer.
  if (req.destroyed || res.closed) return;
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(cgi.stdin);
  // A client that goes away mid-request (a killed process) never ends the body: receive-pack would wait
  // on its stdin for good and keep the test process alive. Its request is over: end the CGI with it.
  cgi.stdin.on('error', () => undefined);
  res.on('close', () => {
    if (!res.writableFinished) cgi.kill('SIGKILL');
  });
  let head = Buffer.alloc(0);
  let headersDone = false;
  let stderr = '';
  cgi.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      out.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(key, value);
    }
    res.statusCode = status;
    out.write(head.subarray(end + 4));
  });
  cgi.on('close', (code) => {
    if (!headersDone) {
      res.statusCode = 500;
      res.end(`git http-backend exited ${String(code)}: ${stderr}`);
      return;
    }
    out.end();
  });
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  let down = false;
  const log: string[] = [];
  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    log.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (!authorized(req, options.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('authentication required\n');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    Promise.resolve(options.beforeRequest?.(req.method ?? 'GET', path))
      .then(() => runCgi(req, res, options.root, options.answer?.(req.method ?? 'GET', path)))
      .catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    setDown: (value) => {
      down = value;
      if (value) server.closeAllConnections();
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
