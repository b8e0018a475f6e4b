import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

/** The remote sent nothing for the idle limit: a hung remote, as transient as a refused one. */
export class RemoteSilentError extends Error {
  override name = 'RemoteSilentError';
}

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * isomorphic-git's HTTP client on Node's fetch, with an idle limit: the request is aborted when the
 * remote sends nothing (no headers, or no next chunk of the body) for `idleMs`. isomorphic-git's own
 * Node client has no timeout at all, so a remote that hangs would hold a fetch (and every writer behind
 * it) for good. Idle rather than total, so that a large first clone that keeps arriving is not cut.
 */
export function timedHttp(idleMs: number): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const abort = new AbortController();
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => abort.abort(new RemoteSilentError(`the GitOps remote sent nothing for ${Math.round(idleMs / 1000)} s`)), idleMs);
      };
      const disarm = () => {
        if (timer) clearTimeout(timer);
        timer = null;
      };
      arm();
      let response: Response;
      try {
        const body = await collect(req.body);
        response = await fetch(req.url, { method: req.method ?? 'GET', headers: req.headers ?? {}, ...(body ? { body } : {}), signal: abort.signal });
      } catch (err) {
        disarm();
        throw abort.signal.aborted ? abort.signal.reason : err;
      }
      arm();
      const reader = response.body?.getReader();
      async function* chunks(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            const next = await reader?.read().catch((err: unknown) => {
              throw abort.signal.aborted ? abort.signal.reason : err;
            });
            if (!next || next.done) return;
            arm();
            yield next.value;
          }
        } finally {
          disarm();
        }
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      return { url: response.url, method: req.method ?? 'GET', headers, body: chunks(), statusCode: response.status, statusMessage: response.statusText };
    },
  };
}
