import { FLUSH, parsePktLines, pktLine } from './pkt-line.ts';
import { RemoteAuthError, RemoteRejectedError, RemoteUnavailableError } from './errors.ts';

const ZERO = '0000000000000000000000000000000000000000';

export interface ReceivePackRequest {
  /** The repository URL (without `/git-receive-pack`). */
  url: string;
  headers: Record<string, string>;
  ref: string;
  /** What the client believes the ref is at: the server updates only if it still is (compare-and-swap). */
  old: string | null;
  next: string;
  pack: Uint8Array;
  timeoutMs: number;
}

// Server answers that mean "the ref is not where you thought": fetch, replay, try again.
const MOVED = [/failed to update ref/, /failed to lock/, /cannot lock ref/, /non-fast-forward/, /fetch first/, /stale info/];

/**
 * One smart-HTTP push (protocol v0 receive-pack) without the discovery round trip: the command carries
 * the old id previewd last saw, so the server's own compare-and-swap decides. Returns `moved` when the
 * ref had moved on, and throws a translated error for anything else the server refuses.
 */
export async function receivePack(req: ReceivePackRequest): Promise<'ok' | 'moved'> {
  const command = `${req.old ?? ZERO} ${req.next} ${req.ref}\0report-status agent=previewd\n`;
  const body = Buffer.concat([pktLine(command), FLUSH, Buffer.from(req.pack)]);
  let response: Response;
  let bytes: Uint8Array;
  // The timeout covers the answer's body too: a remote that hangs after its headers is as unreachable
  // as one that never answers (transient), not a failure of another kind.
  try {
    response = await fetch(`${req.url.replace(/\/+$/, '')}/git-receive-pack`, {
      method: 'POST',
      headers: {
        ...req.headers,
        'content-type': 'application/x-git-receive-pack-request',
        accept: 'application/x-git-receive-pack-result',
      },
      body,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new RemoteUnavailableError(`could not reach the GitOps remote ${req.url} to push: ${describe(err)}`, { cause: err });
  }
  if (response.status === 401 || response.status === 403) {
    throw new RemoteAuthError(`the GitOps remote ${req.url} refused the credentials (HTTP ${response.status}): check GITOPS_USERNAME and GITOPS_TOKEN, and that the token may push`);
  }
  if (response.status >= 500 || response.status === 429) {
    throw new RemoteUnavailableError(`the GitOps remote ${req.url} answered HTTP ${response.status} to a push`);
  }
  if (response.status !== 200) {
    throw new RemoteRejectedError(`the GitOps remote ${req.url} answered HTTP ${response.status} to a push: is it a smart-HTTP git server?`);
  }
  const lines = parsePktLines(bytes).flatMap((l) => (l === null ? [] : [l.toString('utf8').replace(/\n$/, '')]));
  const unpack = lines.find((l) => l.startsWith('unpack '));
  if (unpack !== 'unpack ok') {
    throw new RemoteRejectedError(`the GitOps remote could not store the pushed objects: ${unpack ?? 'no report from the server'}`);
  }
  const status = lines.find((l) => l.startsWith(`ok ${req.ref}`) || l.startsWith(`ng ${req.ref}`));
  if (status?.startsWith('ok ')) return 'ok';
  const reason = status?.slice(`ng ${req.ref} `.length) ?? 'no status for the branch';
  if (MOVED.some((re) => re.test(reason))) return 'moved';
  throw new RemoteRejectedError(`the GitOps remote refused the push to ${req.ref}: ${reason}`);
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
