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

function hint(status: number): string {
  if (status === 401) return ' Check the kubeconfig\'s credentials (KUBECONFIG) or the ServiceAccount token.';
  if (status === 403) return ' Apply argocd/rbac.yaml: previewd\'s Role must allow it in the Argo CD namespace.';
  if (status === 404) return ' Check ARGOCD_NAMESPACE and ARGOCD_APPLICATIONSET, and that Argo CD\'s CRDs are installed.';
  return '';
}

/**
 * A library failure as a ClusterError: the server's own message rather than client-node's dump of
 * headers, and `transient` for what a retry can fix (no answer at all, 408, 429, 5xx).
 */
export function toClusterError(error: unknown, action: string): ClusterError {
  if (error instanceof ClusterError) return error;
  const status = httpStatusOf(error);
  if (status === undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    return new ClusterError(`${action}: ${reason}`, true, undefined, { cause: error });
  }
  const transient = status >= 500 || status === 408 || status === 429;
  const message = serverMessage(error) ?? STATUS_CODES[status] ?? 'no message';
  return new ClusterError(`${action}: ${message} (HTTP ${status}).${hint(status)}`, transient, status, { cause: error });
}
