import type { ResourceType } from './resource-types.ts';

/** A metav1.Status, the body of every error the API server sends (and of a watch's ERROR event). */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message: string; field?: string }[]; retryAfterSeconds?: number };
  code: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** An error answer the API server would send. */
export class KubeStatusError extends Error {
  override name = 'KubeStatusError';
  readonly status: KubeStatus;
  constructor(code: number, message: string, options?: { reason?: string; details?: KubeStatus['details'] } & ErrorOptions) {
    super(message, options);
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: options?.reason ?? REASONS[code] ?? 'Unknown',
      ...(options?.details ? { details: options.details } : {}),
      code,
    };
  }
}

/** `applications.argoproj.io "x" not found`, worded as the API server words it. */
export function notFound(resource: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(404, `${resource.plural}.${resource.group} "${name}" not found`, { details: { name, group: resource.group, kind: resource.plural } });
}

export function alreadyExists(resource: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(409, `${resource.plural}.${resource.group} "${name}" already exists`, { reason: 'AlreadyExists', details: { name, group: resource.group, kind: resource.plural } });
}

export function conflict(resource: ResourceType, name: string): KubeStatusError {
  return new KubeStatusError(409, `Operation cannot be fulfilled on ${resource.plural}.${resource.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`, {
    details: { name, group: resource.group, kind: resource.plural },
  });
}

export function invalid(resource: ResourceType, name: string, problems: string[]): KubeStatusError {
  return new KubeStatusError(422, `${resource.kind}.${resource.group} "${name}" is invalid: ${problems.join(', ')}`, {
    details: { name, group: resource.group, kind: resource.kind, causes: problems.map((message) => ({ reason: 'FieldValueInvalid', message })) },
  });
}

/** What a watch from a compacted resourceVersion gets: 410 Gone, reason Expired. */
export function expired(requested: number, oldest: number): KubeStatusError {
  return new KubeStatusError(410, `too old resource version: ${requested} (${oldest + 1})`, { reason: 'Expired' });
}
