/** What a request asks of the API, as RBAC and audit logs name it. */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery';

/** A scripted failure for the next matching requests. */
export interface KubeFault {
  /** Which requests: any that match every given field. */
  verb?: KubeVerb;
  /** The resource's plural (`applications`). */
  resource?: string;
  name?: string;
  /** The answer's status (default 500), with a Status body worded for it. */
  status?: number;
  message?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Destroy the connection instead of answering: a network error on the client's side. */
  reset?: boolean;
  /** For a watch: answer 200, send the failure as an ERROR event, and end the stream, as the server does mid-watch. */
  asEvent?: boolean;
  /** Answer 200 and then send nothing, ever (a half-open connection): only the client's own timeout ends it. */
  silent?: boolean;
  /** Sent as Retry-After (and in the Status details), as the server does for 429 and some 5xx. */
  retryAfterSeconds?: number;
}

export interface PendingFault {
  fault: KubeFault;
  remaining: number;
}

export interface RequestTarget {
  verb?: KubeVerb;
  resource?: string;
  name?: string;
}

/** Takes one use of the first pending fault that matches, if any. */
export function takeFault(faults: PendingFault[], target: RequestTarget): KubeFault | undefined {
  const index = faults.findIndex(({ fault }) =>
    (fault.verb === undefined || fault.verb === target.verb) &&
    (fault.resource === undefined || fault.resource === target.resource) &&
    (fault.name === undefined || fault.name === target.name));
  const pending = faults[index];
  if (!pending) return undefined;
  if (--pending.remaining <= 0) faults.splice(index, 1);
  return pending.fault;
}
