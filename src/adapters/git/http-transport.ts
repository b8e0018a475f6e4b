import { git } from './git.ts';
import { RemoteAuthError, RemoteRejectedError, RemoteUnavailableError } from './errors.ts';
import { writePack } from './pack-writer.ts';
import { receivePack, describe } from './receive-pack.ts';
import { readRef } from './refs.ts';
import type { RepoContext } from './repo-context.ts';
import { timedHttp } from './timed-http.ts';
import type { Transport } from './transport.ts';

export interface HttpRemote {
  url: string;
  branch: string;
  username?: string;
  token?: string;
  /** `thin` sends only the objects the change made; `stock` is isomorphic-git's push (walks whole trees). */
  push?: 'thin' | 'stock';
  timeoutMs?: number;
}

function authHeaders(remote: HttpRemote): Record<string, string> {
  if (remote.token === undefined) return {};
  const user = remote.username ?? 'x-access-token';
  return { authorization: `Basic ${Buffer.from(`${user}:${remote.token}`).toString('base64')}` };
}

/** Translates an isomorphic-git network error into the store's own, at this edge. */
export function translateRemoteError(err: unknown, url: string, doing: string): Error {
  const e = err as { code?: string; data?: { statusCode?: number; reason?: string; prettyDetails?: string } };
  const status = e.data?.statusCode;
  if (e.code === 'HttpError' && (status === 401 || status === 403)) {
    return new RemoteAuthError(`the GitOps remote ${url} refused the credentials (HTTP ${status}) while ${doing}: check GITOPS_USERNAME and GITOPS_TOKEN`, { cause: err });
  }
  if (e.code === 'HttpError' && status !== undefined && status < 500 && status !== 429) {
    return new RemoteRejectedError(`the GitOps remote ${url} answered HTTP ${status} while ${doing}: check GITOPS_REPO_URL`, { cause: err });
  }
  if (e.code === 'GitPushError' || e.code === 'PushRejectedError') {
    return new RemoteRejectedError(`the GitOps remote refused the push: ${describe(err)}`, { cause: err });
  }
  return new RemoteUnavailableError(`could not reach the GitOps remote ${url} while ${doing}: ${describe(err)}`, { cause: err });
}

/** Whether an isomorphic-git push error means "the branch moved": client-side or server-side. */
function isMoved(err: unknown): boolean {
  const e = err as { code?: string; data?: { reason?: string; result?: { refs?: Record<string, { error?: string }> } } };
  if (e.code === 'PushRejectedError') return e.data?.reason === 'not-fast-forward';
  if (e.code === 'GitPushError') {
    const refs = e.data?.result?.refs ?? {};
    return Object.values(refs).some((r) => /failed to update ref|failed to lock|cannot lock ref/.test(r.error ?? ''));
  }
  return false;
}

export function createHttpTransport(ctx: RepoContext, remote: HttpRemote, localRef: string): Transport {
  const trackingRef = `refs/remotes/origin/${remote.branch}`;
  const headers = authHeaders(remote);
  const timeoutMs = remote.timeoutMs ?? 30_000;
  const http = timedHttp(timeoutMs);
  return {
    trackingRef,
    async fetch() {
      try {
        await git.fetch({
          fs: ctx.fs, http, gitdir: ctx.gitdir, cache: ctx.cache, url: remote.url, remote: 'origin',
          ref: remote.branch, singleBranch: true, tags: false, headers,
        });
      } catch (err) {
        if ((err as { code?: string }).code === 'NotFoundError') return null;
        throw translateRemoteError(err, remote.url, 'fetching');
      }
      return readRef(ctx, trackingRef);
    },
    async push(old, next, objects) {
      if (remote.push === 'stock') {
        try {
          await git.push({
            fs: ctx.fs, http, gitdir: ctx.gitdir, cache: ctx.cache, url: remote.url, ref: localRef,
            remoteRef: `refs/heads/${remote.branch}`, headers,
          });
          return 'ok';
        } catch (err) {
          if (isMoved(err)) return 'moved';
          throw translateRemoteError(err, remote.url, 'pushing');
        }
      }
      const pack = await writePack(ctx, await objects());
      return receivePack({ url: remote.url, headers, ref: `refs/heads/${remote.branch}`, old, next, pack, timeoutMs });
    },
  };
}
