import { STATUS_CODES } from 'node:http';
import { ClusterError } from '../../ports/cluster.ts';

/** The HTTP status of a client-node failure: `code` on ApiException, `statusCode` on Watch's errors. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}

// The API server explains itself in a Status body; ApiException carries it as text or as an object.
function serverMessage(error: unknown): string | undefined {
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim() || undefined;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function hint(status: number, serverStarting: boolean): string {
  // Right after kube-apiserver starts (or comes back), RBAC answers 403 until its informers have the
  // Roles, CRD paths 404 until discovery has them, and priority-and-fairness may shed with 429: wait.
  if (serverStarting && STARTING_STATUSES.has(status)) return ' The Kubernetes API server has just started (or come back) and is still loading its caches: retrying.';
  if (status === 429) return ' The Kubernetes API server is shedding load (API priority and fairness): retrying with backoff.';
  if (status === 503) return ' The Kubernetes API server is not ready (starting, or its etcd is unavailable): retrying.';
  if (status === 401) return ' Check the kubeconfig\'s credentials (KUBECONFIG) or the ServiceAccount token.';
  if (status === 403) return ' Apply argocd/rbac.yaml (argocd/rbac-readonly.yaml with ARGOCD_WEBHOOK_URL): previewd\'s Role must allow it in the Argo CD namespace.';
  if (status === 404) return ' Check ARGOCD_NAMESPACE and ARGOCD_APPLICATIONSET, and that Argo CD\'s CRDs are installed.';
  return '';
}

const STARTING_STATUSES = new Set([403, 404, 429, 503]);

/** What the caller knows about the moment: `serverStarting` when the server has just started or come back. */
export interface ErrorContext {
  serverStarting?: boolean;
}

/**
 * A library failure as a ClusterError: the server's own message rather than client-node's dump of
 * headers, and `transient` for what a retry can fix (no answer at all, 408, 429, 5xx, and 403/404 while
 * the server is starting), with advice that fits the moment.
 */
export function toClusterError(error: unknown, action: string, context: ErrorContext = {}): ClusterError {
  const serverStarting = context.serverStarting ?? false;
  if (error instanceof ClusterError) return error;
  const status = httpStatusOf(error);
  if (status === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return new ClusterError(`${action}: ${reason}`, true, undefined, { cause: error });
  }
  const transient = status >= 500 || status === 408 || status === 429 || (serverStarting && STARTING_STATUSES.has(status));
  const message = serverMessage(error) ?? STATUS_CODES[status] ?? 'no message';
  return new ClusterError(`${action}: ${message} (HTTP ${status}).${hint(status, serverStarting)}`, transient, status, { cause: error });
}
