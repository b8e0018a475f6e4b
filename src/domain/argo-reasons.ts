/**
 * Reading an Argo CD Application's status defensively. The object is Argo CD's, not previewd's: any
 * field may be missing, null or of another shape across versions, so every read checks the type, and
 * text that will reach a PR comment is bounded.
 */

const MAX_MESSAGE = 400;
const MAX_RESOURCES = 10;

/** Said instead of inventing resource health that Argo CD did not record. */
export const NO_RESOURCE_HEALTH =
  'per-resource health is not recorded by this Argo CD (3.x default); see the Application in Argo CD';

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// Messages from Argo CD can be long (whole kubectl outputs); one bounded line reads better in a PR.
export function oneLineMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

function withMessage(head: string, message: unknown): string {
  const text = asString(message);
  return text === null ? head : `${head}: ${oneLineMessage(text)}`;
}

/** Conditions whose type ends in `Error` (ComparisonError, SyncError, InvalidSpecError, …), with their messages. */
export function errorConditions(status: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const item of asArray(status.conditions)) {
    const condition = asRecord(item);
    const type = asString(condition.type);
    if (type !== null && type.endsWith('Error')) out.push(withMessage(type, condition.message));
  }
  return out;
}

/** The sync operation's failure and the resources it could not sync. */
export function operationFailure(status: Record<string, unknown>): string[] {
  const op = asRecord(status.operationState);
  const phase = asString(op.phase) ?? 'Failed';
  const out = [withMessage(`sync operation ${phase}`, op.message)];
  const failed = asArray(asRecord(op.syncResult).resources)
    .map(asRecord)
    .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error');
  out.push(...bounded(failed.map((r) => withMessage(`${resourceName(r)}: ${asString(r.status) ?? asString(r.hookPhase)}`, r.message))));
  return out;
}

/** The application's health problem and its unhealthy resources, or what Argo CD does not record. */
export function healthFailure(status: Record<string, unknown>): string[] {
  const health = asRecord(status.health);
  const out = [withMessage(`health ${asString(health.status) ?? 'Unknown'}`, health.message)];
  const resources = asArray(status.resources).map(asRecord);
  if (resources.length === 0) return out;
  const recorded = resources.filter((r) => asString(asRecord(r.health).status) !== null);
  if (recorded.length === 0) return [...out, NO_RESOURCE_HEALTH];
  const unhealthy = recorded.filter((r) => !['Healthy', 'Suspended'].includes(asRecord(r.health).status as string));
  out.push(...bounded(unhealthy.map((r) => {
    const h = asRecord(r.health);
    return withMessage(`${resourceName(r)}: ${asString(h.status)}`, h.message);
  })));
  return out;
}

function resourceName(resource: Record<string, unknown>): string {
  return `${asString(resource.kind) ?? 'resource'}/${asString(resource.name) ?? '?'}`;
}

function bounded(lines: string[]): string[] {
  if (lines.length <= MAX_RESOURCES) return lines;
  return [...lines.slice(0, MAX_RESOURCES), `and ${lines.length - MAX_RESOURCES} more resources; see the Application in Argo CD`];
}

/** The first `status.summary.externalURLs` entry that is an http(s) URL: it becomes a link in the PR. */
export function externalUrl(status: Record<string, unknown>): string | null {
  for (const item of asArray(asRecord(status.summary).externalURLs)) {
    const text = asString(item);
    if (text === null) continue;
    try {
      const url = new URL(text);
      if ((url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '') return url.href;
    } catch {
      // not a URL: try the next one
    }
  }
  return null;
}
